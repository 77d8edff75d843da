package missing

import "example.com/nope/x"

// Use uses a package of a module that is not required.
func Use() int { return x.N }

// Local still works.
func Local() int { return 1 }
