package app

import "example.com/moda/lib"

// Run calls into the other module of the workspace.
func Run() int { return lib.Answer() }
