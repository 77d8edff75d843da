package decompose

import (
	"errors"
	"fmt"
	"sort"

	"github.com/carve-go/carve/analyzer/facts"
)

// Options controls the granularity and reproducibility of Propose.
type Options struct {
	// Services is the number of services wanted; 0 lets modularity decide. The resolution is
	// bisected until the clustering has that many services; when only more are reachable the
	// smallest services are merged into their best-connected neighbours, when only fewer the
	// closest count is used.
	Services int
	// Resolution is the modularity resolution γ; 0 means 1.0. Higher gives more, smaller
	// services. Ignored when Services > 0 (it is only the starting point).
	Resolution float64
	// Sweep lists service counts for which the metric panel is computed (Proposal.Sweep).
	Sweep []int
	// Seed seeds Louvain's random source; 0 means 1. The same facts, options and seed give
	// byte-identical output.
	Seed uint64
	// CoChange optionally adds git co-change between files (analyzer/history: how many
	// commits changed both) as file—file edges of the clustering graph, weight
	// 1 + ln(commits). Pairs naming files without units are ignored.
	CoChange []CoChange
	// CoChangeWeight scales the co-change edges against the code and data edges (calls 1,
	// table writes 4, same file 6); 0 means 1.
	CoChangeWeight float64
}

// CoChange is how many commits changed two files together.
type CoChange struct {
	A, B    string // files relative to the module root
	Commits int
}

// Validate reports options that make no sense.
func (o Options) Validate() error {
	var errs []error
	if o.Services < 0 {
		errs = append(errs, fmt.Errorf("services: got %d, want 0 (automatic) or more", o.Services))
	}
	if o.Resolution < 0 {
		errs = append(errs, fmt.Errorf("resolution: got %g, want 0 (default 1.0) or more", o.Resolution))
	}
	for _, k := range o.Sweep {
		if k < 1 {
			errs = append(errs, fmt.Errorf("sweep: got service count %d, want 1 or more", k))
		}
	}
	if o.CoChangeWeight < 0 {
		errs = append(errs, fmt.Errorf("co-change weight: got %g, want 0 (default 1) or more", o.CoChangeWeight))
	}
	for _, c := range o.CoChange {
		if c.Commits < 0 {
			errs = append(errs, fmt.Errorf("co-change %s, %s: got %d commits, want 0 or more", c.A, c.B, c.Commits))
		}
	}
	return errors.Join(errs...)
}

// Propose clusters the units of f into business-capability services (docs/decompose.md):
// it keeps the shared kernel out, clusters a graph of units, tables and files with seeded
// Louvain, splits disconnected and loose communities and merges weak ones, moves single units
// of layered packages by role, names the services, gives every table an owner, and lists
// findings, misfits, metrics and the extraction plan. With opts.Sweep it also
// fills Proposal.Sweep. The result is deterministic for the same f and opts.
func Propose(f *facts.Facts, opts Options) (*Proposal, error) {
	if f == nil {
		return nil, errors.New("propose: no facts")
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("propose: %w", err)
	}
	seed := opts.Seed
	if seed == 0 {
		seed = 1
	}
	res := opts.Resolution
	if res == 0 {
		res = 1
	}
	m := newModel(f)
	m.coChange = opts.CoChange
	w := defaultWeights
	if opts.CoChangeWeight > 0 {
		w.CoChange = opts.CoChangeWeight
	}
	// The shared kernel is a property of the code (used from everywhere, no tables), not of
	// how it changes: detect it without co-change.
	kw := w
	kw.CoChange = 0
	kernel := detectKernel(m, kw, seed)
	g, l := buildGraph(m, w, kernel)
	c := &clusterer{m: m, g: g, l: l, exclude: kernel, seed: seed, minSize: minServiceSize, noData: !m.hasData()}

	var comm []int
	if opts.Services > 0 {
		comm, res = c.target(opts.Services, res)
	} else {
		c.recurse = true
		comm = c.run(res)
		c.recurse = false
	}
	p := fromCommunities(m, comm, kernel)
	p.Metrics["resolution"] = round(res)

	counts := append([]int(nil), opts.Sweep...)
	sort.Ints(counts)
	for i, k := range counts {
		if i > 0 && k == counts[i-1] {
			continue
		}
		sc, r := c.target(k, res)
		sp := fromCommunities(m, sc, kernel)
		p.Sweep = append(p.Sweep, SweepPoint{Services: len(sp.Services), Resolution: round(r), Metrics: sp.Metrics})
	}
	return p, nil
}

// minServiceSize is the fewest units a service may have; smaller communities are merged into
// their best-connected neighbour.
const minServiceSize = 3

// fromCommunities names the communities of the units, orders services by name, assigns table
// owners and assembles the proposal.
func fromCommunities(m *model, comm []int, kernel []bool) *Proposal {
	ucomm := renumber(comm[:len(m.units)])
	k := 0
	for _, c := range ucomm {
		if c+1 > k {
			k = c + 1
		}
	}
	ucomm = refine(m, ucomm, k)
	names := nameServices(m, ucomm, k)
	order := make([]int, k)
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(i, j int) bool { return names[order[i]] < names[order[j]] })
	newIdx := make([]int, k)
	a := &assignment{names: make([]string, k), svc: make([]int, len(m.units)), kernel: kernel}
	for ni, old := range order {
		newIdx[old] = ni
		a.names[ni] = names[old]
	}
	for u := range m.units {
		a.svc[u] = -1
		if ucomm[u] >= 0 {
			a.svc[u] = newIdx[ucomm[u]]
		}
	}
	a.owner = proposeOwners(m, a.svc, k)
	return assemble(m, a, "proposed", nil)
}
