package decompose

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

// maxConflicts is how many doubly claimed units Evaluate names before summarising the rest.
const maxConflicts = 10

// Evaluate measures a user's boundaries the way Propose measures its own: units go where the
// spec assigns them (units no pattern matches become outliers), tables belong to the service
// that lists them (tables the spec does not list get an unowned-table finding), and findings
// the spec's allow entries accept are left out. The result has Source "carve.yaml". A unit that
// two services claim at the same precedence is an error naming the unit's position and the
// spec lines of the claimants.
func Evaluate(f *facts.Facts, s *spec.Spec) (*Proposal, error) {
	if f == nil {
		return nil, errors.New("evaluate: no facts")
	}
	if s == nil {
		return nil, errors.New("evaluate: no spec")
	}
	var extra []string
	for _, sv := range s.Services {
		extra = append(extra, sv.Tables...)
	}
	m := newModel(f, extra...)
	names := s.ServiceNames()
	idx := map[string]int{}
	for i, n := range names {
		idx[n] = i
	}
	a := &assignment{names: names, svc: make([]int, len(m.units)), kernel: make([]bool, len(m.units)), owner: make([]int, len(m.tables))}
	var errs []error
	for u, un := range m.units {
		a.svc[u] = -1
		as, ok, err := s.Assign(un)
		if err != nil {
			var lines []string
			for _, sv := range s.Services {
				if strings.Contains(err.Error(), " "+sv.Name+" (") {
					lines = append(lines, fmt.Sprintf("%s:%d", s.File, sv.Line))
				}
			}
			sort.Strings(lines)
			where := ""
			if len(lines) > 0 {
				where = " (see " + strings.Join(lines, ", ") + ")"
			}
			errs = append(errs, fmt.Errorf("evaluate: %s: %w%s", un.Pos, err, where))
			continue
		}
		switch {
		case !ok: // outlier
		case as.Kernel:
			a.kernel[u] = true
		default:
			a.svc[u] = idx[as.Service]
		}
	}
	if len(errs) > maxConflicts {
		more := len(errs) - maxConflicts
		errs = append(errs[:maxConflicts], fmt.Errorf("evaluate: and %d more units claimed twice", more))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	for t, tn := range m.tables {
		a.owner[t] = -1
		if o, ok := s.Owner(tn); ok {
			a.owner[t] = idx[o]
		}
	}
	allow := func(from, to, kind string) bool {
		_, ok := s.Allowed(from, to, kind)
		return ok
	}
	return assemble(m, a, "carve.yaml", allow), nil
}
