package analyzer

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

var (
	fixtureMu      sync.Mutex
	fixtureResults = map[string]*Result{}
)

// analyzeFixture analyses one fixture module (testdata/<name>) once per test binary. With
// CARVE_DUMP_FACTS=<dir> it also writes the fact base to <dir>/<name>.facts.json (for tuning
// the decomposition without reloading the module).
func analyzeFixture(t *testing.T, name string) *Result {
	t.Helper()
	if testing.Short() {
		t.Skip("integration: analyses a fixture module; skipped with -short")
	}
	fixtureMu.Lock()
	defer fixtureMu.Unlock()
	if res, ok := fixtureResults[name]; ok {
		return res
	}
	dir := filepath.Join("..", "testdata", name)
	res, err := Analyze(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatalf("Analyze(%s): %v", dir, err)
	}
	if p := os.Getenv("CARVE_DUMP_FACTS"); p != "" {
		b, _ := json.Marshal(res.Facts)
		if err := os.WriteFile(filepath.Join(p, name+".facts.json"), b, 0o644); err != nil {
			t.Logf("dump facts: %v", err)
		}
	}
	fixtureResults[name] = res
	return res
}

func fixtureTruth(t *testing.T, name string) *spec.Spec {
	t.Helper()
	truth, err := spec.Load(filepath.Join("..", "testdata", name, "truth.carve.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return truth
}

// TestDecomposeFixtures scores carve's proposal on each fixture against its hand-written truth.
func TestDecomposeFixtures(t *testing.T) {
	for _, name := range []string{"shop", "ledger"} {
		t.Run(name, func(t *testing.T) {
			res := analyzeFixture(t, name)
			sc := decompose.Score(&res.Facts, res.Proposal, fixtureTruth(t, name))
			t.Logf("%s: MoJoFM %.1f%%, ARI %.3f, owner accuracy %.1f%% (%d units, %d tables, %d services)",
				name, sc.MoJoFM, sc.ARI, sc.OwnerAccuracy, sc.Units, sc.Tables, len(res.Proposal.Services))
			if sc.MoJoFM < 85 {
				t.Errorf("%s: MoJoFM = %.1f%%, want ≥ 85%%", name, sc.MoJoFM)
			}
			if sc.OwnerAccuracy < 90 {
				t.Errorf("%s: owner accuracy = %.1f%%, want ≥ 90%%", name, sc.OwnerAccuracy)
			}
			// Other seeds give the same quality.
			for seed := uint64(2); seed <= 4; seed++ {
				p, err := decompose.Propose(&res.Facts, decompose.Options{Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				if sc := decompose.Score(&res.Facts, p, fixtureTruth(t, name)); sc.MoJoFM < 85 || sc.OwnerAccuracy < 90 {
					t.Errorf("%s, seed %d: %+v, want MoJoFM ≥ 85 and owner accuracy ≥ 90", name, seed, sc)
				}
			}
			// The truth evaluated as a carve.yaml scores itself perfectly.
			ev, err := decompose.Evaluate(&res.Facts, fixtureTruth(t, name))
			if err != nil {
				t.Fatalf("Evaluate(truth): %v", err)
			}
			if sc := decompose.Score(&res.Facts, ev, fixtureTruth(t, name)); sc.MoJoFM != 100 || sc.OwnerAccuracy != 100 || sc.ARI != 1 {
				t.Errorf("Score(Evaluate(truth), truth) = %+v, want 100, 1, 100", sc)
			}
		})
	}
}

// want is one finding a fixture's TRUTH.md says must be reported.
type want struct {
	kind     decompose.FindingKind
	from, to string
	unit     string // suffix of FromUnit, or "" (for fk: the referencing table)
}

func has(fs []decompose.Finding, w want) bool {
	return slices.ContainsFunc(fs, func(f decompose.Finding) bool {
		if f.Kind != w.kind || f.From != w.from || f.To != w.to {
			return false
		}
		switch {
		case w.unit == "":
			return true
		case w.kind == decompose.CrossFK:
			return len(f.Tables) > 0 && f.Tables[0] == w.unit
		case w.kind == decompose.CrossRoutine:
			return strings.Contains(f.Detail, " "+w.unit+" ")
		default:
			return strings.HasSuffix(string(f.FromUnit), w.unit)
		}
	})
}

// TestFixtureFindings checks the findings of each fixture's truth (evaluated as a carve.yaml)
// against the findings its TRUTH.md lists, and that the kinds the truth does not have appear
// nowhere, neither under the truth nor in carve's own proposal.
func TestFixtureFindings(t *testing.T) {
	cases := map[string]struct {
		want   []want
		absent []want // must not be reported
		counts map[decompose.FindingKind]int
	}{
		"shop": {
			want: []want{
				{decompose.ForeignWrite, "payments", "orders", "Store.MarkOrderPaid"},
				{decompose.ForeignWrite, "payments", "orders", "Store.MarkOrderRefundedTx"},
				{decompose.ForeignWrite, "reviews", "catalog", "Store.RefreshRatingTx"},
				{decompose.ForeignWrite, "timesale", "inventory", "Store.ReturnExpiredToInventory"},
				{decompose.ForeignWrite, "timesale", "inventory", "Store.Reserve"},
				{decompose.CrossRoutine, "timesale", "inventory", "reserve_sale_item"},
				{decompose.CrossJoin, "timesale", "catalog", "Store.SaleItems"},
				{decompose.CrossJoin, "timesale", "inventory", "Store.SaleItems"},
				{decompose.CrossJoin, "cart", "catalog", "Store.CartLines"},
				{decompose.CrossJoin, "orders", "catalog", "Store.OrderLines"},
				{decompose.CrossJoin, "orders", "catalog", "Store.RecentlyBought"},
				{decompose.CrossJoin, "reviews", "identity", "Store.ReviewsForProduct"},
				{decompose.CrossJoin, "shipping", "orders", "Store.ShippingLabel"},
				{decompose.CrossJoin, "shipping", "identity", "Store.ShippingLabel"},
				{decompose.CrossJoin, "payments", "orders", "Store.PaymentOwner"},
				{decompose.CrossJoin, "promotions", "orders", "Store.CouponUsageReport"},
				{decompose.CrossJoin, "inventory", "catalog", "Store.LowStock"},
				{decompose.CrossJoin, "inventory", "catalog", "Store.PurgeMovements"},
				{decompose.ForeignRead, "cart", "catalog", "Store.CartLines"},
				{decompose.CrossTx, "orders", "cart", "Orders.Checkout"},
				{decompose.CrossTx, "orders", "inventory", "Orders.Checkout"},
				{decompose.CrossTx, "orders", "payments", "Orders.Checkout"},
				{decompose.CrossTx, "orders", "promotions", "Orders.Checkout"},
				{decompose.CrossTx, "payments", "orders", "Payments.Refund"},
				{decompose.CrossTx, "reviews", "catalog", "Reviews.Write"},
				{decompose.CrossTx, "timesale", "inventory", "Store.Reserve"},
				{decompose.CrossTx, "timesale", "inventory", "Store.ReleaseReservation"},
				{decompose.CrossFK, "orders", "catalog", "order_items"},
				{decompose.CrossFK, "payments", "orders", "billing.payments"},
				{decompose.CrossFK, "timesale", "catalog", "sale_items"},
				{decompose.CrossCall, "catalog", "reviews", ""},
				{decompose.CrossCall, "orders", "payments", ""},
				{decompose.CrossCall, "orders", "shipping", ""},
				{decompose.CrossCall, "orders", "inventory", "Orders.Cancel"},
				{decompose.CrossCall, "cart", "inventory", "Cart.Add"},
				{decompose.CrossCall, "catalog", "inventory", "Catalog.Create"},
			},
			absent: []want{
				{decompose.CrossCall, "cart", "catalog", ""},      // allowed
				{decompose.CrossCall, "shipping", "orders", ""},   // allowed
				{decompose.CrossCall, "reviews", "orders", ""},    // allowed
				{decompose.CrossFK, "cart", "cart", "cart_items"}, // inside one service
			},
			counts: map[decompose.FindingKind]int{decompose.Unowned: 0},
		},
		"ledger": {
			want: []want{
				{decompose.CrossJoin, "invoicing", "customers", "Handler.list"},
				{decompose.CrossJoin, "invoicing", "tax", "Handler.lines"},
				{decompose.CrossJoin, "journal", "accounts", "entryLines"},
				{decompose.CrossJoin, "payments", "invoicing", "Handler.get"},
				{decompose.ForeignRead, "journal", "accounts", "accountIDs"},
				{decompose.ForeignRead, "tax", "customers", "putExemption"},
				{decompose.ForeignRead, "payments", "invoicing", "recordPayment"},
				{decompose.ForeignWrite, "payments", "invoicing", "recordPayment"},
				{decompose.ForeignWrite, "journal", "reporting", "closePeriod"},
				{decompose.CrossTx, "payments", "invoicing", "recordPayment"},
				{decompose.CrossTx, "payments", "journal", "recordPayment"},
				{decompose.CrossRoutine, "journal", "reporting", "close_period"},
				{decompose.CrossCall, "accounts", "journal", ""},
				{decompose.CrossCall, "invoicing", "tax", ""},
				{decompose.CrossCall, "journal", "accounts", ""},
				{decompose.CrossCall, "payments", "journal", ""},
			},
			absent: []want{
				{decompose.ForeignRead, "reporting", "journal", ""}, // allowed
				{decompose.CrossJoin, "reporting", "accounts", ""},  // allowed
				{decompose.CrossCall, "reporting", "customers", ""}, // allowed
			},
			counts: map[decompose.FindingKind]int{decompose.Unowned: 0, decompose.CrossFK: 12, decompose.CrossTx: 2},
		},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			res := analyzeFixture(t, name)
			ev, err := decompose.Evaluate(&res.Facts, fixtureTruth(t, name))
			if err != nil {
				t.Fatalf("Evaluate(truth): %v", err)
			}
			for _, w := range c.want {
				if !has(ev.Findings, w) {
					t.Errorf("missing %s %s→%s %s", w.kind, w.from, w.to, w.unit)
				}
			}
			for _, w := range c.absent {
				if has(ev.Findings, w) {
					t.Errorf("unexpected %s %s→%s %s", w.kind, w.from, w.to, w.unit)
				}
			}
			got := map[decompose.FindingKind]int{}
			for _, f := range ev.Findings {
				got[f.Kind]++
				if f.Detail == "" || f.Remedy == "" || f.Pos.File == "" {
					t.Errorf("finding without evidence, detail or remedy: %+v", f)
				}
			}
			for k, n := range c.counts {
				if got[k] != n {
					t.Errorf("%s findings = %d, want %d", k, got[k], n)
				}
			}
			// carve's own proposal reports the same kinds as the truth: none the fixture lacks.
			kinds := func(fs []decompose.Finding) []decompose.FindingKind {
				var out []decompose.FindingKind
				for _, f := range fs {
					if !slices.Contains(out, f.Kind) {
						out = append(out, f.Kind)
					}
				}
				slices.Sort(out)
				return out
			}
			if diff := cmp.Diff(kinds(ev.Findings), kinds(res.Proposal.Findings)); diff != "" {
				t.Errorf("finding kinds of the proposal differ from the truth's (-truth +proposal):\n%s", diff)
			}
		})
	}
}

// TestFixtureDeterminism: the same module analysed twice gives byte-identical JSON, and the
// proposal written as carve.yaml evaluates back to the same assignment.
func TestFixtureDeterminism(t *testing.T) {
	res := analyzeFixture(t, "shop")
	first, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Analyze(context.Background(), Options{Dir: filepath.Join("..", "testdata", "shop")})
	if err != nil {
		t.Fatal(err)
	}
	second, _ := json.Marshal(again)
	if !bytes.Equal(first, second) {
		t.Errorf("two analyses of shop differ (%d vs %d bytes)", len(first), len(second))
	}
	for _, name := range []string{"shop", "ledger"} {
		res := analyzeFixture(t, name)
		p1, _ := decompose.Propose(&res.Facts, decompose.Options{Sweep: []int{6, 8, 11}})
		p2, _ := decompose.Propose(&res.Facts, decompose.Options{Sweep: []int{6, 8, 11}})
		b1, _ := json.Marshal(p1)
		b2, _ := json.Marshal(p2)
		if !bytes.Equal(b1, b2) {
			t.Errorf("%s: Propose twice gives different JSON", name)
		}
		y := decompose.WriteSpec(res.Proposal, &res.Facts)
		sp, err := spec.Parse("carve.yaml", y)
		if err != nil {
			t.Fatalf("%s: spec.Parse(WriteSpec): %v", name, err)
		}
		ev, err := decompose.Evaluate(&res.Facts, sp)
		if err != nil {
			t.Fatalf("%s: Evaluate(WriteSpec): %v", name, err)
		}
		assign := func(p *decompose.Proposal) map[facts.UnitID]string {
			m := map[facts.UnitID]string{}
			for _, s := range p.Services {
				for _, u := range s.Units {
					m[u] = s.Name
				}
			}
			for _, u := range p.Kernel.Units {
				m[u] = "(kernel)"
			}
			return m
		}
		if diff := cmp.Diff(assign(res.Proposal), assign(ev)); diff != "" {
			t.Errorf("%s: Evaluate(WriteSpec(p)) assigns differently (-proposal +evaluated):\n%s", name, diff)
		}
	}
}

// TestProposeHook: the analyzer passes its granularity options to Propose and evaluates the
// spec instead when one is given.
func TestProposeHook(t *testing.T) {
	res := analyzeFixture(t, "ledger")
	p, err := propose(&res.Facts, Options{Services: 6, Sweep: []int{4, 8}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "proposed" || len(p.Services) != 6 || len(p.Sweep) != 2 || p.Sweep[0].Services != 4 || p.Sweep[1].Services != 8 {
		t.Errorf("propose(Services 6, Sweep 4, 8) = %s with %d services, sweep %+v", p.Source, len(p.Services), p.Sweep)
	}
	p, err = propose(&res.Facts, Options{Spec: fixtureTruth(t, "ledger"), Services: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Source != "carve.yaml" || len(p.Services) != 8 {
		t.Errorf("propose(Spec) = %s with %d services, want carve.yaml with the spec's 8", p.Source, len(p.Services))
	}
	if res.Proposal == nil || res.Summary.Services != len(res.Proposal.Services) || res.Summary.Findings != len(res.Proposal.Findings) {
		t.Errorf("Analyze did not attach the proposal: summary %+v", res.Summary)
	}
}

// TestTimesaleServiceProposal: the carved-out time-sale service, analysed on its own, is one
// service owning exactly the three time-sale tables.
func TestTimesaleServiceProposal(t *testing.T) {
	res := analyzeFixture(t, "timesale-service")
	p := res.Proposal
	var owners []string
	for _, o := range p.Ownership {
		owners = append(owners, o.Table+"→"+o.Owner)
	}
	if len(p.Services) != 1 {
		t.Fatalf("timesale-service: %d services, want 1; ownership %v", len(p.Services), owners)
	}
	if diff := cmp.Diff([]string{"sale_items", "sale_reservations", "sales"}, p.Services[0].Tables); diff != "" {
		t.Errorf("timesale-service tables mismatch (-want +got):\n%s", diff)
	}
	for _, f := range p.Findings {
		t.Errorf("unexpected finding in a single service: %+v", f)
	}
}

// markerLine is one `want sql|tx|fk` marker: its position and its words after the kind.
type markerLine struct {
	pos   facts.Pos
	kind  string
	words []string
}

func readWant(t *testing.T, name string) []markerLine {
	t.Helper()
	root := filepath.Join("..", "testdata", name)
	var out []markerLine
	err := filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || (filepath.Ext(p) != ".go" && filepath.Ext(p) != ".sql") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		for i, line := range strings.Split(string(data), "\n") {
			for _, kind := range []string{"sql", "tx", "fk"} {
				for _, lead := range []string{"// want " + kind + " ", "-- want " + kind + " "} {
					if j := strings.Index(line, lead); j >= 0 {
						out = append(out, markerLine{pos: facts.Pos{File: filepath.ToSlash(rel), Line: i + 1}, kind: kind, words: strings.Fields(line[j+len(lead):])})
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFixtureMarkerFindings derives, from the hand-written markers and the truth alone, where
// foreign-read, foreign-write, cross-tx and cross-fk findings must appear, and checks that the
// truth's evaluation reports them there and nowhere else.
func TestFixtureMarkerFindings(t *testing.T) {
	for _, name := range []string{"shop", "ledger"} {
		t.Run(name, func(t *testing.T) {
			res := analyzeFixture(t, name)
			truth := fixtureTruth(t, name)
			ev, err := decompose.Evaluate(&res.Facts, truth)
			if err != nil {
				t.Fatal(err)
			}
			owner := func(table string) string { o, _ := truth.Owner(table); return o }
			routines := map[string][]facts.TableAccess{}
			for _, r := range res.Routines {
				routines[r.Name] = r.Tables
			}
			expand := func(words []string) (reads, writes []string) {
				var accs []facts.TableAccess
				for _, w := range words {
					tbl, acc, ok := strings.Cut(w, ":")
					if !ok {
						continue
					}
					if tbl == "call" {
						accs = append(accs, routines[acc]...)
						continue
					}
					accs = append(accs, facts.TableAccess{Name: tbl, Access: facts.Access(acc)})
				}
				for _, a := range accs {
					if a.Access.IsWrite() {
						writes = append(writes, a.Name)
					} else {
						reads = append(reads, a.Name)
					}
				}
				return reads, writes
			}
			unitAt := map[facts.Pos]facts.UnitID{}
			for _, s := range res.SQL {
				unitAt[s.Pos] = s.Unit
			}
			units := map[facts.UnitID]facts.Unit{}
			for _, u := range res.Units {
				units[u.ID] = u
			}
			serviceOf := func(id facts.UnitID) string {
				u, ok := units[id]
				if !ok {
					return ""
				}
				a, ok, err := truth.Assign(u)
				if err != nil || !ok || a.Kernel {
					return ""
				}
				return a.Service
			}
			want := map[decompose.FindingKind]map[string]bool{}
			add := func(k decompose.FindingKind, p facts.Pos) {
				if want[k] == nil {
					want[k] = map[string]bool{}
				}
				want[k][p.String()] = true
			}
			for _, m := range readWant(t, name) {
				switch m.kind {
				case "sql":
					svc := serviceOf(unitAt[m.pos])
					if svc == "" {
						continue // not attributed to a service unit (e.g. a .sql file)
					}
					reads, writes := expand(m.words)
					for _, tb := range reads {
						if o := owner(tb); o != "" && o != svc {
							if _, ok := truth.Allowed(svc, o, "read"); !ok {
								add(decompose.ForeignRead, m.pos)
							}
						}
					}
					for _, tb := range writes {
						if o := owner(tb); o != "" && o != svc {
							if _, ok := truth.Allowed(svc, o, "write"); !ok {
								add(decompose.ForeignWrite, m.pos)
							}
						}
					}
				case "tx":
					_, writes := expand(m.words)
					owners := map[string]bool{}
					for _, tb := range writes {
						if o := owner(tb); o != "" {
							owners[o] = true
						}
					}
					if len(owners) >= 2 {
						add(decompose.CrossTx, m.pos)
					}
				case "fk":
					// "a.col -> b.col": tables are everything before the last dot.
					if len(m.words) < 3 {
						continue
					}
					from := m.words[0][:strings.LastIndex(m.words[0], ".")]
					to := m.words[2][:strings.LastIndex(m.words[2], ".")]
					if of, ot := owner(from), owner(to); of != "" && ot != "" && of != ot {
						if _, ok := truth.Allowed(of, ot, "fk"); !ok {
							add(decompose.CrossFK, m.pos)
						}
					}
				}
			}
			for _, k := range []decompose.FindingKind{decompose.ForeignRead, decompose.ForeignWrite, decompose.CrossTx, decompose.CrossFK} {
				got := map[string]bool{}
				for _, f := range ev.Findings {
					if f.Kind == k {
						got[f.Pos.String()] = true
					}
				}
				t.Logf("%s: %d positions from the markers, %d evaluated", k, len(want[k]), len(got))
				if diff := cmp.Diff(want[k], got, cmpEmptyMap); diff != "" {
					t.Errorf("%s positions mismatch (-markers +evaluated):\n%s", k, diff)
				}
			}
		})
	}
}

// cmpEmptyMap treats a nil map and an empty one as equal.
var cmpEmptyMap = cmp.Comparer(func(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
})
