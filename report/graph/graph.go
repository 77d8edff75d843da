// Package graph lays out DOT graphs as SVG with go-graphviz (Graphviz compiled to
// WebAssembly, pure Go) and rasterizes SVG to PNG in pure Go.
//
// A layout cannot be interrupted inside go-graphviz, and while its WebAssembly code runs the
// Go runtime cannot stop the world, so a slow layout in the calling process would also
// freeze garbage collection, timers and every other goroutine. SVG therefore lays out in a
// child process: it re-executes the running binary (os.Executable) with WorkerEnv set, and
// this package's init turns that child into a layout worker (DOT on stdin, SVG on stdout)
// before main runs. When the context ends, the child is killed and SVG returns ErrTimeout
// at once. If the binary cannot be re-executed, SVG lays out in process, serialised by one
// package-level semaphore (go-graphviz is not goroutine-safe); then ErrTimeout is still
// returned when the context ends, but the layout finishes in the background first.
//
// Importing this package costs go-graphviz's WebAssembly compile at process start (about
// 1 s the first time on a machine, then cached under $TMPDIR), so keep it out of packages
// that most tests load. SVG and PNG are safe for concurrent use.
package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"

	graphviz "github.com/goccy/go-graphviz"
)

// WorkerEnv is the environment variable that makes a binary importing this package act as
// a layout worker: its value is the engine, stdin the DOT, stdout the SVG; it exits before
// main runs. SVG sets it for the children it starts.
const WorkerEnv = "CARVE_GRAPHVIZ_WORKER"

func init() {
	engine := os.Getenv(WorkerEnv)
	if engine == "" {
		return
	}
	err := func() (err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("lay out graph: graphviz panicked: %v", p)
			}
		}()
		dot, err := io.ReadAll(os.Stdin)
		if err != nil {
			return err
		}
		svg, err := render(dot, engine)
		if err != nil {
			return err
		}
		_, err = os.Stdout.Write(svg)
		return err
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, workerPrefix+err.Error())
		os.Exit(1)
	}
	os.Exit(0)
}

// workerPrefix starts the error line a worker writes on stderr.
const workerPrefix = "carve-graphviz-worker: "

// inProcess forces in-process layouts (set by tests, and after a failed re-exec).
var inProcess atomic.Bool

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
	if !inProcess.Load() {
		svg, err, ran := child(ctx, dot, engine)
		if ran {
			return svg, err
		}
		inProcess.Store(true)
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

// child lays out in a re-executed copy of this binary. ran is false when the child could not
// be started or did not behave as a worker (then the caller lays out in process).
func child(ctx context.Context, dot []byte, engine string) (svg []byte, err error, ran bool) {
	exe, err := os.Executable()
	if err != nil {
		return nil, nil, false
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), WorkerEnv+"="+engine)
	cmd.Stdin = bytes.NewReader(dot)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	if ctx.Err() != nil {
		return nil, fmt.Errorf("lay out graph with %s: %w", engine, ErrTimeout), true
	}
	if runErr != nil {
		msg := stderr.String()
		if i := strings.Index(msg, workerPrefix); i >= 0 {
			return nil, errors.New(strings.TrimSpace(msg[i+len(workerPrefix):])), true
		}
		if strings.Contains(msg, "goroutine ") { // the worker crashed (fatal error in the runtime)
			first, _, _ := strings.Cut(strings.TrimSpace(msg), "\n")
			return nil, fmt.Errorf("lay out graph with %s: graphviz crashed: %s", engine, first), true
		}
		return nil, nil, false // not a worker (e.g. the binary does not link this package's init)
	}
	if !bytes.Contains(stdout.Bytes(), []byte("<svg")) {
		return nil, nil, false
	}
	return stdout.Bytes(), nil, true
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
