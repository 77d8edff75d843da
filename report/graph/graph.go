// Package graph lays out DOT graphs as SVG with go-graphviz (Graphviz compiled to
// WebAssembly, pure Go) and rasterizes SVG to PNG in pure Go.
//
// go-graphviz runs one global WebAssembly instance that is not goroutine-safe and cannot be
// interrupted, so every layout here is serialised by one package-level semaphore and runs on
// its own goroutine: SVG returns ErrTimeout when its context ends first, while the layout
// finishes in the background and only then releases the semaphore (later calls wait for it
// within their own context). Importing this package costs the WebAssembly compile at
// process start (about 1 s the first time on a machine, then cached under $TMPDIR), so keep
// it out of packages that most tests load. SVG and PNG are safe for concurrent use.
package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	graphviz "github.com/goccy/go-graphviz"
)

// ErrTimeout is returned (wrapped) by SVG when the context ends before the layout does.
var ErrTimeout = errors.New("layout took longer than its time budget")

// Engines are the Graphviz layout engines SVG accepts.
var Engines = []string{"dot", "sfdp", "neato", "fdp", "circo", "twopi"}

// sem serialises every call into go-graphviz.
var sem = make(chan struct{}, 1)

// gv is the shared Graphviz context, created on first use while holding sem.
var gv *graphviz.Graphviz

// SVG lays out the DOT source with the named engine (dot, sfdp, …) and returns the SVG
// document. Errors: the DOT does not parse, the engine is unknown, the layout fails, or
// ErrTimeout (wrapped) when ctx ends first.
func SVG(ctx context.Context, dot []byte, engine string) ([]byte, error) {
	known := false
	for _, e := range Engines {
		known = known || e == engine
	}
	if !known {
		return nil, fmt.Errorf("lay out graph: unknown engine %q (want one of %v)", engine, Engines)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("lay out graph: %w: %v", ErrTimeout, err)
	}
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("lay out graph: waiting for the previous layout: %w", ErrTimeout)
	}
	type result struct {
		svg []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() { <-sem }()
		var r result
		defer func() {
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("lay out graph: graphviz panicked: %v", p)}
			}
			done <- r
		}()
		r.svg, r.err = render(dot, engine)
	}()
	select {
	case r := <-done:
		return r.svg, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("lay out graph with %s: %w", engine, ErrTimeout)
	}
}

// render runs one layout; the caller holds sem. go-graphviz ignores context cancellation
// (its WebAssembly runtime is not configured for it), so a background context is used.
func render(dot []byte, engine string) ([]byte, error) {
	ctx := context.Background()
	if gv == nil {
		g, err := graphviz.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("lay out graph: start graphviz: %w", err)
		}
		gv = g
	}
	g, err := graphviz.ParseBytes(dot)
	if err != nil {
		return nil, fmt.Errorf("lay out graph: parse dot: %w", err)
	}
	defer g.Close()
	gv.SetLayout(graphviz.Layout(engine))
	var buf bytes.Buffer
	if err := gv.Render(ctx, g, graphviz.SVG, &buf); err != nil {
		return nil, fmt.Errorf("lay out graph with %s: %w", engine, err)
	}
	if !bytes.Contains(buf.Bytes(), []byte("<svg")) {
		return nil, fmt.Errorf("lay out graph with %s: graphviz returned no svg", engine)
	}
	return buf.Bytes(), nil
}
