package analyzer

import (
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// propose turns the fact base into the proposal of a Result: it evaluates opts.Spec when one
// is given, and otherwise clusters services with the granularity options (Services,
// Resolution, Sweep).
func propose(f *facts.Facts, opts Options) (*decompose.Proposal, error) {
	if opts.Spec != nil {
		return decompose.Evaluate(f, opts.Spec)
	}
	return decompose.Propose(f, decompose.Options{
		Services:   opts.Services,
		Resolution: opts.Resolution,
		Sweep:      opts.Sweep,
	})
}
