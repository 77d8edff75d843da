package load

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestLoadPartial(t *testing.T) {
	prog, err := Load(context.Background(), Config{Dir: "testdata/broken"})
	if err != nil {
		t.Fatalf("Load(testdata/broken) error: %v", err)
	}
	if prog.Module != "example.com/broken" {
		t.Errorf("Module = %q, want example.com/broken", prog.Module)
	}
	var got []string
	for _, p := range prog.Packages {
		got = append(got, p.PkgPath)
	}
	want := "example.com/broken/bad example.com/broken/good example.com/broken/missing example.com/broken/syntax"
	if strings.Join(got, " ") != want {
		t.Errorf("Packages = %v, want %s", got, want)
	}
	reasons := map[string]string{}
	for _, s := range prog.Skipped {
		reasons[s.What] = s.Reason
	}
	if r := reasons["example.com/broken/bad"]; !strings.Contains(r, "bad/bad.go:6") || !strings.Contains(r, "facts may be incomplete") {
		t.Errorf("Skipped[bad] = %q, want the type error at bad/bad.go:6 and a note", r)
	}
	if r := reasons["example.com/broken/syntax"]; !strings.Contains(r, "syntax/syntax.go:3") {
		t.Errorf("Skipped[syntax] = %q, want the syntax error at syntax/syntax.go:3", r)
	}
	if r := reasons["example.com/broken/missing"]; !strings.Contains(r, "example.com/nope/x") {
		t.Errorf("Skipped[missing] = %q, want the missing import named", r)
	}
	if _, ok := reasons["example.com/broken/good"]; ok {
		t.Errorf("good package listed as skipped: %v", prog.Skipped)
	}
	if d, ok := prog.PkgDir("example.com/broken/bad"); !ok || d != "bad" {
		t.Errorf("PkgDir(bad) = %q, %v; want bad, true", d, ok)
	}
	// The call in the package with a type error is still resolved.
	bad := prog.Packages[0]
	found := false
	for id, obj := range bad.TypesInfo.Uses {
		if id.Name == "Hello" {
			u, ok := prog.UnitOf(obj)
			found = ok && u == "good.Hello"
		}
	}
	if !found {
		t.Errorf("use of good.Hello in bad not resolved to unit good.Hello")
	}
}

func TestLoadNewerGo(t *testing.T) {
	_, err := Load(context.Background(), Config{Dir: "testdata/newgo"})
	if err == nil {
		t.Fatal("Load(testdata/newgo) succeeded, want an error about the Go version")
	}
	msg := err.Error()
	if !strings.Contains(msg, "requires go 1.99.0") || !strings.Contains(msg, "go1.") {
		t.Errorf("error %q does not name both versions", msg)
	}
}

func TestLoadNothing(t *testing.T) {
	_, err := Load(context.Background(), Config{Dir: "testdata/empty"})
	if !errors.Is(err, ErrNothingLoaded) {
		t.Fatalf("Load(testdata/empty) error = %v, want ErrNothingLoaded", err)
	}
	if _, err := Load(context.Background(), Config{Dir: "testdata/does-not-exist"}); err == nil || errors.Is(err, ErrNothingLoaded) {
		t.Errorf("Load(missing dir) error = %v, want a plain error", err)
	}
}

func TestLoadWorkspace(t *testing.T) {
	prog, err := Load(context.Background(), Config{Dir: "testdata/work"})
	if err != nil {
		t.Fatalf("Load(testdata/work): %v", err)
	}
	var got []string
	for _, p := range prog.Packages {
		d, _ := prog.PkgDir(p.PkgPath)
		got = append(got, p.PkgPath+"="+d)
	}
	want := "example.com/moda/lib=moda/lib example.com/modb/app=modb/app"
	if strings.Join(got, " ") != want {
		t.Errorf("packages = %v, want %s", got, want)
	}
	_, _, edges := prog.Graph()
	if len(edges) != 1 || edges[0].From != "modb/app.Run" || edges[0].To != "moda/lib.Answer" {
		t.Errorf("edges = %v, want modb/app.Run -> moda/lib.Answer", edges)
	}
}

func TestLoadTests(t *testing.T) {
	prog, err := Load(context.Background(), Config{Dir: "testdata/graph", Tests: true})
	if err != nil {
		t.Fatalf("Load(testdata/graph, tests): %v", err)
	}
	var got []string
	for _, p := range prog.Packages {
		d, _ := prog.PkgDir(p.PkgPath)
		got = append(got, p.PkgPath+"="+d)
	}
	want := "example.com/graph/a=a example.com/graph/b=b example.com/graph/b_test=b"
	if strings.Join(got, " ") != want {
		t.Errorf("packages = %v, want %s", got, want)
	}
	_, units, _ := prog.Graph()
	var ids []string
	for _, u := range units {
		if strings.HasPrefix(string(u.ID), "b.Test") {
			ids = append(ids, string(u.ID))
		}
	}
	if strings.Join(ids, " ") != "b.TestExternal b.TestRun" {
		t.Errorf("test units = %v, want b.TestExternal b.TestRun", ids)
	}
	if s := prog.Skipped; len(s) != 0 {
		t.Errorf("Skipped = %v, want none", s)
	}
}
