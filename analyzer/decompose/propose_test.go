package decompose

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

func mustSpec(t *testing.T, yaml string) *spec.Spec {
	t.Helper()
	s, err := spec.Parse("truth.carve.yaml", []byte(yaml))
	if err != nil {
		t.Fatalf("spec.Parse: %v\n%s", err, yaml)
	}
	return s
}

func mustPropose(t *testing.T, f *facts.Facts, o Options) *Proposal {
	t.Helper()
	p, err := Propose(f, o)
	if err != nil {
		t.Fatalf("Propose: %v", err)
	}
	return p
}

func TestProposeLayered(t *testing.T) {
	f := layered().facts()
	p := mustPropose(t, f, Options{})
	sc := Score(f, p, mustSpec(t, truthYAML()))
	if sc.MoJoFM < 95 || sc.OwnerAccuracy < 100 {
		js, _ := json.MarshalIndent(p.Services, "", " ")
		t.Errorf("Score = %+v, want MoJoFM ≥ 95 and owner accuracy 100\nservices: %s\nkernel: %v\noutliers: %v", sc, js, p.Kernel, p.Outliers)
	}
	var names []string
	for _, s := range p.Services {
		names = append(names, s.Name)
	}
	if diff := cmp.Diff([]string{"catalog", "orders", "reviews", "users"}, names); diff != "" {
		t.Errorf("service names mismatch (-want +got):\n%s", diff)
	}
	if !slices.Contains(p.Kernel.Packages, "internal/platform/money") {
		t.Errorf("Kernel.Packages = %v, want internal/platform/money in it", p.Kernel.Packages)
	}
	// The layered store package is split by file.
	for _, s := range p.Services {
		if s.Name != "orders" {
			continue
		}
		want := PackageSplit{Package: "internal/store", Files: []string{"internal/store/orders.go"}}
		if !slices.ContainsFunc(s.Splits, func(sp PackageSplit) bool { return cmp.Equal(sp, want) }) {
			t.Errorf("orders.Splits = %v, want %v in it", s.Splits, want)
		}
		if diff := cmp.Diff([]string{"order_items", "orders"}, s.Tables); diff != "" {
			t.Errorf("orders.Tables mismatch (-want +got):\n%s", diff)
		}
	}
}

func TestFindingsLayered(t *testing.T) {
	f := layered().facts()
	p := mustPropose(t, f, Options{})
	kinds := map[FindingKind]int{}
	for _, fd := range p.Findings {
		kinds[fd.Kind]++
		if fd.Detail == "" || fd.Remedy == "" || fd.Pos.File == "" {
			t.Errorf("finding %+v: want detail, remedy and position", fd)
		}
	}
	for _, k := range []FindingKind{CrossCall, ForeignRead, ForeignWrite, CrossJoin, CrossFK, CrossTx, CrossRoutine, Unowned} {
		if kinds[k] == 0 {
			t.Errorf("no %s finding; got %v", k, kinds)
		}
	}
	// Exactly the planted ones.
	want := map[FindingKind]int{CrossCall: 1, ForeignRead: 1, ForeignWrite: 1, CrossJoin: 1, CrossFK: 1, CrossTx: 1, CrossRoutine: 1, Unowned: 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		for _, fd := range p.Findings {
			t.Logf("%s %s %s→%s %s", fd.Kind, fd.Pos, fd.From, fd.To, fd.Detail)
		}
		t.Errorf("finding counts mismatch (-want +got):\n%s", diff)
	}
	for _, fd := range p.Findings {
		if fd.Kind == CrossCall && (strings.Contains(string(fd.ToUnit), "money") || strings.Contains(string(fd.FromUnit), "cmd/")) {
			t.Errorf("kernel unit in cross-call finding %+v", fd)
		}
	}
	// ReserveStock sits in orders.go but only writes catalog's products: a misfit.
	want0 := Misfit{Unit: "internal/store.Store.ReserveStock", Service: "orders", Closer: "catalog"}
	if !slices.ContainsFunc(p.Misfits, func(m Misfit) bool {
		return m.Unit == want0.Unit && m.Service == want0.Service && m.Closer == want0.Closer && m.Fit < 0.5
	}) {
		t.Errorf("Misfits = %+v, want %+v with fit < 0.5", p.Misfits, want0)
	}
	own := map[string]Ownership{}
	for _, o := range p.Ownership {
		own[o.Table] = o
	}
	if o := own["products"]; o.Owner != "catalog" || o.Class != SharedWrite || !slices.Equal(o.Writers, []string{"orders"}) {
		t.Errorf("ownership of products = %+v, want catalog, shared-write, writers [orders]", o)
	}
	if o := own["audit_log"]; o.Owner != "" {
		t.Errorf("ownership of audit_log = %+v, want no owner", o)
	}
	if len(p.Plan) != len(p.Services) || p.Plan[0].Order != 1 {
		t.Fatalf("Plan = %+v, want one step per service", p.Plan)
	}
	for i := 1; i < len(p.Plan); i++ {
		if p.Plan[i].Score < p.Plan[i-1].Score {
			t.Errorf("plan not ordered by score: %+v", p.Plan)
		}
	}
	// By hand: reviews touches no finding, owns no shared table, has no fan-in → score 0, first.
	// users: the purge_user routine (cross-routine, weight 3) → score 3.
	if p.Plan[0].Service != "reviews" || p.Plan[0].Score != 0 || len(p.Plan[0].Blockers) != 0 {
		t.Errorf("Plan[0] = %+v, want reviews with score 0 and no blockers", p.Plan[0])
	}
	for _, st := range p.Plan {
		if st.Service == "users" && (st.Score != 3 || !cmp.Equal(st.Blockers, map[FindingKind]int{CrossRoutine: 1})) {
			t.Errorf("plan step for users = %+v, want score 3, blockers {cross-routine: 1}", st)
		}
		if st.Service == "orders" && !slices.Equal(st.Routes, []string{"GET /orders/{id}", "POST /orders"}) {
			t.Errorf("plan step for orders routes = %v", st.Routes)
		}
	}
	if last := p.Plan[len(p.Plan)-1]; last.Service != "orders" && last.Service != "catalog" {
		t.Errorf("most entangled service = %s, want orders or catalog (they hold the planted couplings)", last.Service)
	}
}

// shuffled returns a copy of f with every slice in a random order.
func shuffled(f *facts.Facts, seed uint64) *facts.Facts {
	r := rand.New(rand.NewPCG(seed, seed))
	g := *f
	g.Units = slices.Clone(f.Units)
	g.Edges = slices.Clone(f.Edges)
	g.SQL = slices.Clone(f.SQL)
	g.Tables = slices.Clone(f.Tables)
	g.Routes = slices.Clone(f.Routes)
	r.Shuffle(len(g.Units), func(i, j int) { g.Units[i], g.Units[j] = g.Units[j], g.Units[i] })
	r.Shuffle(len(g.Edges), func(i, j int) { g.Edges[i], g.Edges[j] = g.Edges[j], g.Edges[i] })
	r.Shuffle(len(g.SQL), func(i, j int) { g.SQL[i], g.SQL[j] = g.SQL[j], g.SQL[i] })
	r.Shuffle(len(g.Tables), func(i, j int) { g.Tables[i], g.Tables[j] = g.Tables[j], g.Tables[i] })
	return &g
}

func TestProposeDeterministic(t *testing.T) {
	f := layered().facts()
	opts := Options{Sweep: []int{2, 3, 4}}
	first, err := json.Marshal(mustPropose(t, f, opts))
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		again, _ := json.Marshal(mustPropose(t, f, opts))
		if !bytes.Equal(first, again) {
			t.Fatalf("run %d: JSON differs from the first run", i)
		}
	}
	// Units, tables and statements in another order (facts promise sorted units; the rest must
	// not matter either): same services.
	p := mustPropose(t, shuffled(f, 7), opts)
	q := mustPropose(t, f, opts)
	if diff := cmp.Diff(q.Services, p.Services); diff != "" {
		t.Errorf("services depend on input order (-sorted +shuffled):\n%s", diff)
	}
}

func TestProposeTargetCount(t *testing.T) {
	f := layered().facts()
	for _, k := range []int{1, 2, 3, 4} {
		p := mustPropose(t, f, Options{Services: k})
		if len(p.Services) != k {
			t.Errorf("Propose(Services: %d) gave %d services", k, len(p.Services))
		}
	}
	p := mustPropose(t, f, Options{Sweep: []int{3, 2, 2}})
	if len(p.Sweep) != 2 || p.Sweep[0].Services != 2 || p.Sweep[1].Services != 3 {
		t.Errorf("Sweep = %+v, want points for 2 and 3 services", p.Sweep)
	}
	for _, sp := range p.Sweep {
		if _, ok := sp.Metrics[MetricModularity]; !ok {
			t.Errorf("sweep point %d has no modularity", sp.Services)
		}
	}
}

func TestProposeBadInput(t *testing.T) {
	if _, err := Propose(nil, Options{}); err == nil {
		t.Error("Propose(nil) succeeded, want an error")
	}
	if _, err := Propose(&facts.Facts{}, Options{Services: -1, Sweep: []int{0}}); err == nil || !strings.Contains(err.Error(), "services") || !strings.Contains(err.Error(), "sweep") {
		t.Errorf("Propose(bad options) = %v, want errors naming services and sweep", err)
	}
	// Empty facts: no services, no panic.
	p := mustPropose(t, &facts.Facts{}, Options{Sweep: []int{2}})
	if len(p.Services) != 0 {
		t.Errorf("Propose(empty) = %d services, want 0", len(p.Services))
	}
	// Edges to unknown units, statements of unknown units, negative counts: ignored.
	f := &facts.Facts{
		Units: []facts.Unit{{ID: "a.F", Package: "a", Pos: facts.Pos{File: "a/a.go", Line: 1}}},
		Edges: []facts.Edge{{From: "a.F", To: "b.G", Kind: facts.Call, Count: -3}},
		SQL:   []facts.SQL{{Unit: "zz.Q", Tables: []facts.TableAccess{{Name: "t", Access: facts.Read}}}},
	}
	mustPropose(t, f, Options{Services: 3})
}

// Without any SQL (an ORM carve does not read, or dynamic SQL only) services come from the
// structure alone instead of collapsing into one.
func TestProposeWithoutData(t *testing.T) {
	f := layered().facts()
	f.SQL, f.Tables, f.Transactions, f.ForeignKeys, f.Routines = nil, nil, nil, nil, nil
	p := mustPropose(t, f, Options{})
	sc := Score(f, p, mustSpec(t, truthYAML()))
	if len(p.Services) < 4 || sc.MoJoFM < 80 {
		t.Errorf("Propose(no SQL) = %d services, %+v; want ≥ 4 services and MoJoFM ≥ 80", len(p.Services), sc)
	}
}

// Git co-change pulls a file with no other tie into the service of the files it changes with.
func TestProposeCoChange(t *testing.T) {
	s := layered()
	lonely := s.unit("internal/store", "auditTrail", "internal/store/audit.go", facts.Func)
	f := s.facts()
	p := mustPropose(t, f, Options{})
	if !slices.Contains(p.Outliers, lonely) {
		t.Fatalf("without co-change: Outliers = %v, want %s (nothing ties it to a service)", p.Outliers, lonely)
	}
	p = mustPropose(t, f, Options{CoChange: []CoChange{{A: "internal/store/audit.go", B: "internal/store/orders.go", Commits: 12}}})
	for _, s := range p.Services {
		if slices.Contains(s.Units, lonely) && s.Name != "orders" {
			t.Errorf("with co-change: %s is in %s, want orders", lonely, s.Name)
		}
	}
	if slices.Contains(p.Outliers, lonely) {
		t.Errorf("with co-change: %s is still an outlier", lonely)
	}
	if _, err := Propose(f, Options{CoChange: []CoChange{{A: "a", B: "b", Commits: -1}}}); err == nil {
		t.Error("Propose(negative co-change) succeeded, want an error")
	}
}
