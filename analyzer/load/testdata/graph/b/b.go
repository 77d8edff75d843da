package b

import "example.com/graph/a"

type Base struct{}

func (Base) Name() string { return "base" }

// English embeds Base.
type English struct {
	Base
}

func (English) Greet() string { return "hello" }

type French struct{}

func (*French) Greet() string { return "bonjour" }

// Run calls statically, uses a method value and a constant.
func Run() []string {
	f := (&French{}).Greet
	out := []string{a.Hello(English{}), f()}
	for i := 0; i < a.Limit; i++ {
		out = append(out, a.Hello(&French{}))
	}
	return out
}
