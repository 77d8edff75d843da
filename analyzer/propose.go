package analyzer

import (
	"context"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

func init() {
	proposeHook = func(ctx context.Context, res *Result, opts Options) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		var cochange []decompose.CoChange
		if opts.Spec == nil && opts.HistoryWeight > 0 {
			var err error
			if cochange, err = coChange(ctx, opts); err != nil {
				return err
			}
		}
		p, err := propose(&res.Facts, opts, cochange)
		if err != nil {
			return err
		}
		res.Proposal = p
		return nil
	}
}

// propose turns the fact base into the proposal of a Result: it evaluates opts.Spec when one
// is given, and otherwise clusters services with the granularity options (Services,
// Resolution, Sweep).
func propose(f *facts.Facts, opts Options, cochange []decompose.CoChange) (*decompose.Proposal, error) {
	if opts.Spec != nil {
		return decompose.Evaluate(f, opts.Spec)
	}
	return decompose.Propose(f, decompose.Options{
		Services:   opts.Services,
		Resolution: opts.Resolution,
		Sweep:      opts.Sweep,

		CoChange:       cochange,
		CoChangeWeight: opts.HistoryWeight,
	})
}
