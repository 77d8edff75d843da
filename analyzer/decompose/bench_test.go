package decompose

import (
	"fmt"
	"testing"

	"github.com/carve-go/carve/analyzer/facts"
)

// largeLayered builds a layered monolith with n domains (each: store file with 3 methods and 2
// tables, service file, handler file, 2 routes), a kernel package, and one cross-domain call
// per domain to the next domain's store.
func largeLayered(n int) *facts.Facts {
	s := newSynth()
	money := s.unit("internal/platform/money", "Money", "internal/platform/money/money.go", facts.Type)
	storeT := s.unit("internal/store", "Store", "internal/store/store.go", facts.Type)
	for i := 0; i < n; i++ {
		d := fmt.Sprintf("d%03d", i)
		t1, t2 := d+"_main", d+"_items"
		s.table(t1)
		s.table(t2)
		sf := "internal/store/" + d + ".go"
		create := s.unit("internal/store", "Store.Create"+d, sf, facts.Method)
		get := s.unit("internal/store", "Store.Get"+d, sf, facts.Method)
		list := s.unit("internal/store", "Store.List"+d, sf, facts.Method)
		for _, u := range []facts.UnitID{create, get, list} {
			s.ref(u, storeT)
		}
		s.sql(create, "insert", t1+":insert", t2+":insert")
		s.sql(get, "select", t1+":read", t2+":read")
		s.sql(list, "select", t1+":read")
		svcF := "internal/service/" + d + ".go"
		put := s.unit("internal/service", d+".Put", svcF, facts.Method)
		sget := s.unit("internal/service", d+".Get", svcF, facts.Method)
		s.call(put, create, 1)
		s.call(sget, get, 1)
		s.call(sget, list, 1)
		hf := "internal/handler/" + d + ".go"
		hp := s.unit("internal/handler", "Post"+d, hf, facts.Func)
		hg := s.unit("internal/handler", "Get"+d, hf, facts.Func)
		s.call(hp, put, 1)
		s.call(hg, sget, 1)
		s.ref(hg, money)
		s.route("POST", "/"+d, hp)
		s.route("GET", "/"+d+"/{id}", hg)
		if i > 0 {
			s.call(put, facts.UnitID(fmt.Sprintf("internal/store.Store.Getd%03d", i-1)), 1)
		}
	}
	return s.facts()
}

func BenchmarkPropose(b *testing.B) {
	for _, n := range []int{50, 300} {
		f := largeLayered(n)
		b.Run(fmt.Sprintf("domains=%d/units=%d", n, len(f.Units)), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := Propose(f, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestProposeLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: 300-domain synthetic monolith")
	}
	f := largeLayered(300)
	p := mustPropose(t, f, Options{})
	truth := "version: 1\nservices:\n"
	for i := 0; i < 300; i++ {
		truth += fmt.Sprintf("  d%03d:\n    files: [internal/*/d%03d.go]\n", i, i)
	}
	sc := Score(f, p, mustSpec(t, truth))
	if sc.MoJoFM < 90 {
		t.Errorf("300 domains: MoJoFM = %.1f (services %d), want ≥ 90", sc.MoJoFM, len(p.Services))
	}
}
