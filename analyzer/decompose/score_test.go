package decompose

import (
	"testing"

	"github.com/carve-go/carve/analyzer/facts"
)

func TestMoJo(t *testing.T) {
	tests := []struct {
		name      string
		a, b      []int
		mojo, max int
		fm        float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{0, 0, 1, 1}, 0, 2, 100},
		// A = {1,2,3}{4,5,6}, B = {1,2}{3,4,5,6}: move 3; max = 6 − 2.
		{"one move", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 1, 1}, 1, 4, 75},
		// Four singletons into one cluster: three joins; max = 4 − 1.
		{"joins", []int{0, 1, 2, 3}, []int{0, 0, 0, 0}, 3, 3, 0},
		// A = {1,2}{3,4}, B = {1,3}{2,4}: ties resolved by matching, two moves; max = 4 − 2.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, 2, 2, 0},
		// A = {1,2,3,4}, B = {1,2}{3}{4}: move 3 and 4 out; max: sizes 1,1,2 → g = 2, 4 − 2.
		{"split", []int{0, 0, 0, 0}, []int{0, 0, 1, 2}, 2, 2, 0},
		// A = {1,2}{3}{4,5}, B = {1,2,3}{4,5}: join {3} into {1,2}; max = 5 − 2.
		{"one join", []int{0, 0, 1, 2, 2}, []int{0, 0, 0, 1, 1}, 1, 3, 100 * (1 - 1.0/3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mojo(tt.a, tt.b); got != tt.mojo {
				t.Errorf("mojo(%v, %v) = %d, want %d", tt.a, tt.b, got, tt.mojo)
			}
			if got := maxMojo(tt.b); got != tt.max {
				t.Errorf("maxMojo(%v) = %d, want %d", tt.b, got, tt.max)
			}
			if got := mojoFM(tt.a, tt.b); !near(got, tt.fm) {
				t.Errorf("mojoFM(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.fm)
			}
		})
	}
}

func TestARI(t *testing.T) {
	tests := []struct {
		name string
		a, b []int
		want float64
	}{
		{"identical", []int{0, 0, 1, 1}, []int{1, 1, 0, 0}, 1},
		// index 0, expected (2·2)/6, max 2 → −0.5.
		{"crossed", []int{0, 0, 1, 1}, []int{0, 1, 0, 1}, -0.5},
		// index 2, Σa = 6, Σb = 3, C(6,2) = 15 → (2 − 1.2)/(4.5 − 1.2).
		{"partial", []int{0, 0, 0, 1, 1, 1}, []int{0, 0, 1, 1, 2, 2}, 0.8 / 3.3},
		{"both singletons", []int{0, 1, 2}, []int{2, 1, 0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ari(tt.a, tt.b); !near(got, tt.want) {
				t.Errorf("ari(%v, %v) = %v, want %v", tt.a, tt.b, got, tt.want)
			}
		})
	}
}

func TestScoreKernelAndOutliers(t *testing.T) {
	u := func(id, file string) facts.Unit {
		return facts.Unit{ID: facts.UnitID(id), Package: "p", Pos: facts.Pos{File: file, Line: 1}}
	}
	f := &facts.Facts{Units: []facts.Unit{u("p.A", "p/a.go"), u("p.B", "p/a.go"), u("p.C", "p/c.go"), u("p.K", "p/k.go"), u("p.X", "p/x.go")}}
	truth := mustSpec(t, `version: 1
services:
  alpha: {files: [p/a.go], tables: [t1, t2]}
  gamma: {files: [p/c.go], tables: [t3]}
shared_kernel: {files: [p/k.go]}
`)
	got := &Proposal{
		Services:  []Service{{Name: "one", Units: []facts.UnitID{"p.A", "p.B"}}, {Name: "two", Units: []facts.UnitID{"p.C", "p.X"}}},
		Kernel:    Kernel{Units: []facts.UnitID{"p.K"}},
		Ownership: []Ownership{{Table: "t1", Owner: "one"}, {Table: "t2", Owner: "two"}, {Table: "t3", Owner: "two"}},
	}
	sc := Score(f, got, truth)
	// p.X is not assigned by the truth: not compared. 4 units, identical partitions.
	if sc.Units != 4 || sc.MoJoFM != 100 || sc.ARI != 1 {
		t.Errorf("Score = %+v, want 4 units, MoJoFM 100, ARI 1", sc)
	}
	// one → alpha, two → gamma: t1 and t3 right, t2 wrong.
	if sc.Tables != 3 || !near(sc.OwnerAccuracy, 100*2.0/3) {
		t.Errorf("owner accuracy = %v over %d tables, want 66.67 over 3", sc.OwnerAccuracy, sc.Tables)
	}
	// A unit of the truth's kernel proposed inside a service counts as misplaced (one move).
	got.Kernel.Units = nil
	got.Services[0].Units = append(got.Services[0].Units, "p.K")
	if sc := Score(f, got, truth); !near(sc.MoJoFM, 100*(1-1.0/2)) {
		t.Errorf("Score with the kernel unit in a service = %+v, want MoJoFM 50 (1 move; max 4 − 2)", sc)
	}
}
