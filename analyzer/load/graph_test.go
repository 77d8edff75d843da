package load

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
)

func TestGraph(t *testing.T) {
	prog, err := Load(context.Background(), Config{Dir: "testdata/graph"})
	if err != nil {
		t.Fatalf("Load(testdata/graph): %v", err)
	}
	pkgs, units, edges := prog.Graph()

	var gotUnits []string
	for _, u := range units {
		gotUnits = append(gotUnits, fmt.Sprintf("%s %s %s %d", u.ID, u.Kind, u.Pos, u.Lines))
	}
	wantUnits := []string{
		"a.Greeter type a/a.go:4 3",
		"a.Hello func a/a.go:14 4",
		"a.Limit var a/a.go:9 1",
		"a.counter var a/a.go:11 1",
		"a.init func a/a.go:19 2",
		"b.Base type b/b.go:5 1",
		"b.Base.Name method b/b.go:7 1",
		"b.English type b/b.go:10 3",
		"b.English.Greet method b/b.go:14 1",
		"b.French type b/b.go:16 1",
		"b.French.Greet method b/b.go:18 1",
		"b.Run func b/b.go:21 8",
	}
	if diff := cmp.Diff(wantUnits, gotUnits); diff != "" {
		t.Errorf("units mismatch (-want +got):\n%s", diff)
	}

	var gotEdges []string
	for _, e := range edges {
		gotEdges = append(gotEdges, fmt.Sprintf("%s -> %s %s x%d %s dyn=%v", e.From, e.To, e.Kind, e.Count, e.Pos, e.Dynamic))
	}
	wantEdges := []string{
		"a.Hello -> a.Greeter ref x1 a/a.go:14 dyn=false",
		"a.Hello -> a.counter ref x1 a/a.go:15 dyn=false",
		"a.Hello -> b.English.Greet call x1 a/a.go:16 dyn=true",
		"a.Hello -> b.French.Greet call x1 a/a.go:16 dyn=true",
		"a.init -> a.Limit ref x1 a/a.go:21 dyn=false",
		"a.init -> a.counter ref x2 a/a.go:19 dyn=false",
		"b.Base.Name -> b.Base ref x1 b/b.go:7 dyn=false",
		"b.English -> b.Base ref x1 b/b.go:11 dyn=false",
		"b.English.Greet -> b.English ref x1 b/b.go:14 dyn=false",
		"b.French.Greet -> b.French ref x1 b/b.go:18 dyn=false",
		"b.Run -> a.Hello call x2 b/b.go:23 dyn=false",
		"b.Run -> a.Limit ref x1 b/b.go:24 dyn=false",
		"b.Run -> b.English ref x1 b/b.go:23 dyn=false",
		"b.Run -> b.French ref x2 b/b.go:22 dyn=false",
		"b.Run -> b.French.Greet call x1 b/b.go:22 dyn=false",
	}
	if diff := cmp.Diff(wantEdges, gotEdges); diff != "" {
		t.Errorf("edges mismatch (-want +got):\n%s", diff)
	}

	want := []facts.Package{
		{Path: "example.com/graph/a", Dir: "a", Name: "a", Files: []string{"a/a.go"}, Lines: 15},
		{Path: "example.com/graph/b", Dir: "b", Name: "b", Files: []string{"b/b.go"}, Imports: []string{"example.com/graph/a"}, Lines: 20},
	}
	if diff := cmp.Diff(want, pkgs); diff != "" {
		t.Errorf("packages mismatch (-want +got):\n%s", diff)
	}
}
