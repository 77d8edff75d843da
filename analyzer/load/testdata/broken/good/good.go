package good

// Hello greets.
func Hello() string { return "hello" }
