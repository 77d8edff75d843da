package b_test

import (
	"testing"

	"example.com/graph/b"
)

func TestExternal(t *testing.T) { b.Run() }
