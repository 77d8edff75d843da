package a

// Greeter is implemented by b.English and b.French.
type Greeter interface {
	Greet() string
}

// Limit is a package-level constant.
const Limit = 3

var counter int

// Hello calls the greeter through the interface.
func Hello(g Greeter) string {
	counter++
	return g.Greet()
}

func init() { counter = 1 }

func init() { counter = Limit }
