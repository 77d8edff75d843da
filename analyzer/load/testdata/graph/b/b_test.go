package b

import "testing"

func TestRun(t *testing.T) { Run() }
