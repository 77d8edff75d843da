package lib

// Answer is used by modb.
func Answer() int { return 42 }
