package decompose

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

func TestEvaluateTruth(t *testing.T) {
	f := layered().facts()
	sp := mustSpec(t, truthYAML()+`allow:
  - from: orders
    to: catalog
    kinds: [call, read]
    reason: prices until the catalog API exists
`)
	p, err := Evaluate(f, sp)
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if p.Source != "carve.yaml" {
		t.Errorf("Source = %q, want carve.yaml", p.Source)
	}
	kinds := map[FindingKind]int{}
	for _, fd := range p.Findings {
		kinds[fd.Kind]++
		if fd.From == "orders" && fd.To == "catalog" && (fd.Kind == CrossCall || fd.Kind == ForeignRead) {
			t.Errorf("allowed finding reported: %+v", fd)
		}
	}
	// Under the truth, ReserveStock (orders.go) writes products: foreign write, not allowed.
	want := map[FindingKind]int{ForeignWrite: 1, CrossJoin: 1, CrossFK: 1, CrossTx: 1, CrossRoutine: 1, Unowned: 1}
	if diff := cmp.Diff(want, kinds); diff != "" {
		t.Errorf("findings under the truth mismatch (-want +got):\n%s", diff)
	}
	// Every table is listed, audit_log without owner.
	own := map[string]string{}
	for _, o := range p.Ownership {
		own[o.Table] = o.Owner
	}
	if own["orders"] != "orders" || own["products"] != "catalog" || own["audit_log"] != "" {
		t.Errorf("owners = %v, want orders→orders, products→catalog, audit_log unowned", own)
	}
}

func TestEvaluateUnassignedAndConflicts(t *testing.T) {
	f := layered().facts()
	// Only one service: everything else is an outlier; tables not listed are unowned.
	p, err := Evaluate(f, mustSpec(t, "version: 1\nservices:\n  users:\n    files: [internal/*/users.go]\n    tables: [users, sessions]\n"))
	if err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if len(p.Services) != 1 || len(p.Services[0].Units) == 0 {
		t.Fatalf("services = %+v, want users with units", p.Services)
	}
	if !slices.Contains(p.Outliers, "internal/store.Store.CreateOrder") {
		t.Errorf("Outliers = %v, want the unassigned orders code in it", p.Outliers)
	}
	unowned := 0
	for _, fd := range p.Findings {
		if fd.Kind == Unowned {
			unowned++
		}
	}
	if unowned != 7 { // 9 tables, 2 owned
		t.Errorf("unowned-table findings = %d, want 7", unowned)
	}

	// Two services claiming one file at the same precedence: an error naming the unit's
	// position and the spec lines.
	_, err = Evaluate(f, mustSpec(t, "version: 1\nservices:\n  a:\n    files: [internal/store/users.go]\n  b:\n    files: [internal/store/*.go]\n"))
	if err == nil {
		t.Fatal("Evaluate(conflicting spec) succeeded, want an error")
	}
	for _, want := range []string{"internal/store/users.go:", "truth.carve.yaml:3", "truth.carve.yaml:5"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Evaluate error %q does not mention %q", err, want)
		}
	}
	// Many conflicts: the first ten are named, the rest counted.
	_, err = Evaluate(f, mustSpec(t, "version: 1\nservices:\n  a:\n    packages: [internal/store]\n  b:\n    packages: [internal/store]\n"))
	if err == nil || strings.Count(err.Error(), "claimed by") != maxConflicts || !strings.Contains(err.Error(), "more units claimed twice") {
		t.Errorf("Evaluate(package claimed twice) = %v, want %d units named and the rest counted", err, maxConflicts)
	}
	if _, err := Evaluate(nil, &spec.Spec{}); err == nil {
		t.Error("Evaluate(nil facts) succeeded, want an error")
	}
}

func TestWriteSpecRoundTrip(t *testing.T) {
	for _, k := range []int{0, 2, 3} {
		f := layered().facts()
		p := mustPropose(t, f, Options{Services: k})
		y := WriteSpec(p, f)
		sp, err := spec.Parse("carve.yaml", y)
		if err != nil {
			t.Fatalf("Services %d: spec.Parse(WriteSpec) = %v\n%s", k, err, y)
		}
		q, err := Evaluate(f, sp)
		if err != nil {
			t.Fatalf("Services %d: Evaluate(WriteSpec) = %v\n%s", k, err, y)
		}
		type view struct {
			Services []Service
			Kernel   Kernel
			Outliers []facts.UnitID
			Owners   []Ownership
		}
		strip := func(p *Proposal) view {
			v := view{Kernel: p.Kernel, Outliers: p.Outliers, Owners: p.Ownership}
			for _, s := range p.Services {
				v.Services = append(v.Services, Service{Name: s.Name, Units: s.Units, Tables: s.Tables, Files: s.Files, Packages: s.Packages, Splits: s.Splits})
			}
			return v
		}
		if diff := cmp.Diff(strip(p), strip(q)); diff != "" {
			t.Errorf("Services %d: Evaluate(WriteSpec(p)) differs from p (-proposed +evaluated):\n%s\n%s", k, diff, y)
		}
		if !strings.HasPrefix(string(y), "# carve.yaml") || !strings.Contains(string(y), "shared_kernel:") {
			t.Errorf("WriteSpec output lacks the header comment or the kernel:\n%s", y)
		}
	}
}
