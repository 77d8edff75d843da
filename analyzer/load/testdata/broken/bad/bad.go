package bad

import "example.com/broken/good"

// Broken has a type error but the rest of the file is still analysed.
func Broken() int { return "not an int" }

// Fine calls into good.
func Fine() string { return good.Hello() }
