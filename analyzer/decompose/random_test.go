package decompose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/spec"
)

// randomFacts builds an arbitrary fact base: random packages, files, units, edges, statements,
// transactions, foreign keys, routines and routes, including dangling references.
func randomFacts(seed uint64) *facts.Facts {
	r := rand.New(rand.NewPCG(seed, 42))
	f := &facts.Facts{Dialect: "postgres"}
	npkg := 1 + r.IntN(5)
	var ids []facts.UnitID
	for i := 0; i < 5+r.IntN(60); i++ {
		pkg := fmt.Sprintf("p%d", r.IntN(npkg))
		if r.IntN(4) == 0 {
			pkg += "/sub"
		}
		file := fmt.Sprintf("%s/f%d.go", pkg, r.IntN(4))
		id := facts.UnitID(fmt.Sprintf("%s.U%d", pkg, i))
		switch r.IntN(25) {
		case 0: // malformed: no dot
			id = facts.UnitID(fmt.Sprintf("U%d", i))
		case 1: // no file
			file = ""
		case 2: // no package
			pkg = ""
		}
		kinds := []facts.UnitKind{facts.Func, facts.Method, facts.Type, facts.Var}
		f.Units = append(f.Units, facts.Unit{ID: id, Kind: kinds[r.IntN(4)], Package: pkg, Pos: facts.Pos{File: file, Line: 1 + i}, Lines: 1 + r.IntN(30)})
		ids = append(ids, id)
	}
	pick := func() facts.UnitID {
		if r.IntN(20) == 0 {
			return "nowhere.X"
		}
		return ids[r.IntN(len(ids))]
	}
	tables := []string{"a", "b", "c", "d", "e", "s.f", "Public.G"}
	tbl := func() string { return tables[r.IntN(len(tables))] }
	acc := func() facts.Access {
		return []facts.Access{facts.Read, facts.Insert, facts.Update, facts.Delete, facts.Upsert}[r.IntN(5)]
	}
	for i := 0; i < r.IntN(150); i++ {
		f.Edges = append(f.Edges, facts.Edge{From: pick(), To: pick(), Kind: []facts.EdgeKind{facts.Call, facts.Ref}[r.IntN(2)], Count: r.IntN(5) - 1, Pos: facts.Pos{File: "x.go", Line: i}})
	}
	for i := 0; i < r.IntN(40); i++ {
		s := facts.SQL{Pos: facts.Pos{File: "q.go", Line: i}, Unit: pick(), Status: []facts.Status{facts.Parsed, facts.Recovered, facts.Unresolved}[r.IntN(3)]}
		for j := 0; j < r.IntN(4); j++ {
			s.Tables = append(s.Tables, facts.TableAccess{Name: tbl(), Access: acc()})
		}
		if r.IntN(4) == 0 {
			s.Joins = [][2]string{{tbl(), tbl()}}
		}
		if r.IntN(6) == 0 {
			s.Calls = []string{"proc"}
		}
		if r.IntN(5) == 0 {
			s.Tx = fmt.Sprintf("tx%d", r.IntN(3))
		}
		f.SQL = append(f.SQL, s)
	}
	for i := 0; i < 3; i++ {
		f.Transactions = append(f.Transactions, facts.Transaction{ID: fmt.Sprintf("tx%d", i), Unit: pick(), Pos: facts.Pos{File: "t.go", Line: i},
			Tables: []facts.TableAccess{{Name: tbl(), Access: acc()}, {Name: tbl(), Access: acc()}}})
	}
	for i := 0; i < r.IntN(6); i++ {
		f.ForeignKeys = append(f.ForeignKeys, facts.ForeignKey{Table: tbl(), RefTable: tbl(), Columns: []string{"x"}, Pos: facts.Pos{File: "m.sql", Line: i}})
	}
	f.Routines = []facts.Routine{{Name: "proc", Kind: "function", Tables: []facts.TableAccess{{Name: tbl(), Access: acc()}, {Name: tbl(), Access: acc()}}}}
	for i := 0; i < r.IntN(8); i++ {
		f.Routes = append(f.Routes, facts.Route{Method: "GET", Path: fmt.Sprintf("/r%d", i), Handler: pick()})
	}
	f.Tables = []facts.Table{{Name: "a"}, {Name: "z_unused"}}
	return f
}

// TestProposeRandom: on arbitrary fact bases Propose never fails, places every unit exactly
// once, lists every table once, is deterministic, and its carve.yaml evaluates back to it.
func TestProposeRandom(t *testing.T) {
	for seed := uint64(0); seed < 60; seed++ {
		f := randomFacts(seed)
		opts := Options{Services: int(seed % 4), Sweep: []int{1, 3}}
		p, err := Propose(f, opts)
		if err != nil {
			t.Fatalf("seed %d: Propose: %v", seed, err)
		}
		seen := map[facts.UnitID]int{}
		for _, s := range p.Services {
			for _, u := range s.Units {
				seen[u]++
			}
		}
		for _, u := range p.Kernel.Units {
			seen[u]++
		}
		for _, u := range p.Outliers {
			seen[u]++
		}
		for _, u := range f.Units {
			if seen[u.ID] != 1 {
				t.Errorf("seed %d: unit %s placed %d times", seed, u.ID, seen[u.ID])
			}
		}
		tables := map[string]bool{}
		for _, o := range p.Ownership {
			if tables[o.Table] {
				t.Errorf("seed %d: table %s listed twice", seed, o.Table)
			}
			tables[o.Table] = true
		}
		want := map[string]bool{}
		for _, x := range f.Tables {
			want[spec.NormalizeTable(x.Name)] = true
		}
		for _, s := range f.SQL {
			for _, x := range s.Tables {
				want[spec.NormalizeTable(x.Name)] = true
			}
		}
		for _, k := range f.ForeignKeys {
			want[spec.NormalizeTable(k.Table)] = true
			want[spec.NormalizeTable(k.RefTable)] = true
		}
		for _, x := range append(f.Routines[0].Tables, append(f.Transactions[0].Tables, append(f.Transactions[1].Tables, f.Transactions[2].Tables...)...)...) {
			want[spec.NormalizeTable(x.Name)] = true
		}
		if diff := cmp.Diff(want, tables); diff != "" {
			t.Errorf("seed %d: ownership tables mismatch (-want +got):\n%s", seed, diff)
		}
		a, _ := json.Marshal(p)
		q, _ := Propose(f, opts)
		b, _ := json.Marshal(q)
		if !bytes.Equal(a, b) {
			t.Errorf("seed %d: Propose is not deterministic", seed)
		}
		if len(p.Services) == 0 {
			continue
		}
		sp, err := spec.Parse("carve.yaml", WriteSpec(p, f))
		if err != nil {
			t.Fatalf("seed %d: spec.Parse(WriteSpec): %v\n%s", seed, err, WriteSpec(p, f))
		}
		ev, err := Evaluate(f, sp)
		if err != nil {
			t.Fatalf("seed %d: Evaluate(WriteSpec): %v", seed, err)
		}
		units := func(p *Proposal) [][]facts.UnitID {
			var out [][]facts.UnitID
			for _, s := range p.Services {
				out = append(out, s.Units)
			}
			return append(out, p.Kernel.Units, p.Outliers)
		}
		if diff := cmp.Diff(units(p), units(ev)); diff != "" {
			t.Errorf("seed %d: round trip differs (-proposed +evaluated):\n%s", seed, diff)
		}
		_ = Score(f, p, sp)
	}
}
