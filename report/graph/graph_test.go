package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

const small = `digraph g { graph [rankdir=LR]; a [label="alpha"]; b [label="beta"]; a -> b [label="2 calls"]; b -> c; }`

func TestSVG(t *testing.T) {
	for _, engine := range []string{"dot", "sfdp"} {
		t.Run(engine, func(t *testing.T) {
			svg, err := SVG(context.Background(), []byte(small), engine)
			if err != nil {
				t.Fatal(err)
			}
			s := string(svg)
			for _, want := range []string{"<svg", ">alpha</text>", ">beta</text>", ">2 calls</text>", `class="edge"`} {
				if !strings.Contains(s, want) {
					t.Errorf("SVG(%s) lacks %q", engine, want)
				}
			}
		})
	}
}

func TestSVGErrors(t *testing.T) {
	tests := []struct {
		name, dot, engine, want string
	}{
		{"unknown engine", small, "magic", `unknown engine "magic"`},
		{"bad dot", "digraph { a -> ", "dot", "lay out graph"},
		{"not dot", "hello", "dot", "lay out graph"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := SVG(context.Background(), []byte(tt.dot), tt.engine)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("SVG(%q, %s) error = %v, want one containing %q", tt.dot, tt.engine, err, tt.want)
			}
		})
	}
	// The package still works after bad input, and still in a child process.
	if _, err := SVG(context.Background(), []byte(small), "dot"); err != nil {
		t.Errorf("SVG after errors: %v", err)
	}
	if inProcess.Load() {
		t.Errorf("bad input made SVG fall back to in-process layouts")
	}
}

// pathological is a dense cyclic graph with edge labels: dot needs minutes for it.
func pathological() []byte {
	var b strings.Builder
	b.WriteString("digraph p {\n")
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 600; i++ {
		fmt.Fprintf(&b, "  n%d -> n%d [label=\"edge %d\"]\n", r.IntN(200), r.IntN(200), i)
	}
	b.WriteString("}\n")
	return []byte(b.String())
}

func TestSVGChildTimeout(t *testing.T) {
	if inProcess.Load() {
		t.Fatal("in-process mode already on; the child process is not used")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	start := time.Now()
	_, err := SVG(ctx, pathological(), "dot")
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("SVG(pathological, 1s) error = %v, want ErrTimeout", err)
	}
	// The layout itself needs minutes; the child is killed at the budget. The bound is loose
	// because a loaded CI machine can take seconds just to start and reap a process.
	if d := time.Since(start); d > 30*time.Second {
		t.Errorf("SVG(pathological, 1s) returned after %v, want about 1s (the child is killed)", d)
	}
	// The next layout is not held up by the killed one.
	if _, err := SVG(context.Background(), []byte(small), "dot"); err != nil {
		t.Errorf("SVG after a timeout: %v", err)
	}
}

func TestSVGTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := SVG(ctx, []byte(small), "dot"); !errors.Is(err, ErrTimeout) {
		t.Errorf("SVG(cancelled ctx) error = %v, want ErrTimeout", err)
	}
	// In process, a layout still running elsewhere holds the semaphore: the call gives up
	// when its own budget ends instead of waiting.
	inProcess.Store(true)
	defer inProcess.Store(false)
	sem <- struct{}{}
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	start := time.Now()
	_, err := SVG(ctx, []byte(small), "dot")
	cancel()
	<-sem
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("SVG while busy: error = %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("SVG while busy returned after %v, want about the 50ms budget", d)
	}
}

func TestSVGInProcess(t *testing.T) {
	inProcess.Store(true)
	defer inProcess.Store(false)
	svg, err := SVG(context.Background(), []byte(small), "sfdp")
	if err != nil || !bytes.Contains(svg, []byte(">beta</text>")) {
		t.Errorf("SVG in process = %d bytes, %v; want the graph", len(svg), err)
	}
	if _, err := SVG(context.Background(), []byte("hello"), "dot"); err == nil {
		t.Errorf("SVG(hello) in process: no error")
	}
}

func TestSVGConcurrent(t *testing.T) {
	// go-graphviz is not goroutine-safe; SVG serialises it, so concurrent callers all succeed.
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 5; j++ {
				svg, err := SVG(context.Background(), []byte(small), "dot")
				if err == nil && !bytes.Contains(svg, []byte(">alpha</text>")) {
					err = errors.New("svg without the alpha node")
				}
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// testSVG has a filled box, a curved stroke-only path (whose inside must stay empty), a
// dashed line and text under the graphviz-style transform of the graph group.
const testSVG = `<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg width="200pt" height="100pt" viewBox="0.00 0.00 200.00 100.00" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 96)">
<polygon fill="white" stroke="none" points="-4,4 -4,-96 196,-96 196,4 -4,4"/>
<g id="node1" class="node"><title>a</title>
<a xlink:href="#svc-a" xlink:title="a">
<polygon fill="#ff0000" stroke="#000000" points="10,-90 50,-90 50,-60 10,-60 10,-90"/>
<text text-anchor="middle" x="30" y="-20" font-family="Helvetica,sans-Serif" font-size="14.00" fill="#0000ff">label</text>
</a></g>
<g id="edge1" class="edge"><title>a&#45;&gt;b</title>
<path fill="none" stroke="#00aa00" d="M60,-80C100,-80 120,-20 180,-20"/>
<path fill="none" stroke="#777777" stroke-dasharray="5,2" d="M60,-5L180,-5"/>
</g></g></svg>`

func TestPNG(t *testing.T) {
	b, err := PNG([]byte(testSVG), 0)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// 200×100 units at 2 px per unit.
	if got := img.Bounds().Size(); got != (image.Point{400, 200}) {
		t.Fatalf("PNG size = %v, want 400x200", got)
	}
	// SVG user point (x, y) maps to pixel ((x+4)·2, (y+96)·2).
	px := func(x, y float64) color.RGBA {
		return color.RGBAModel.Convert(img.At(int((x+4)*2), int((y+96)*2))).(color.RGBA)
	}
	if c := px(30, -75); c.R < 200 || c.G > 50 || c.B > 50 {
		t.Errorf("inside the filled box = %v, want red", c)
	}
	// Inside the curve's bend, where a wrongly closed stroke would fill.
	if c := px(150, -60); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("inside the curve's bend = %v, want white (a stroke-only path must not be filled)", c)
	}
	if c := px(120, -70); c != (color.RGBA{255, 255, 255, 255}) {
		t.Errorf("above the curve = %v, want white", c)
	}
	// The text, which oksvg does not draw, is drawn in blue around (30, -20).
	blue := 0
	for y := -32; y <= -16; y++ {
		for x := 10; x <= 50; x++ {
			if c := px(float64(x), float64(y)); c.B > 150 && c.R < 120 {
				blue++
			}
		}
	}
	if blue < 10 {
		t.Errorf("found %d blue text pixels around the label, want the text drawn", blue)
	}
	// The curve itself is green somewhere along its path.
	green := false
	for x := 60.0; x < 180 && !green; x++ {
		for y := -85.0; y < -15; y++ {
			if c := px(x, y); c.G > 120 && c.R < 100 && c.B < 100 {
				green = true
				break
			}
		}
	}
	if !green {
		t.Errorf("the green curve was not drawn")
	}
}

func TestPNGMaxSide(t *testing.T) {
	b, err := PNG([]byte(testSVG), 100)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if got := img.Bounds().Size(); got.X != 100 || got.Y != 50 {
		t.Errorf("PNG(maxSide 100) size = %v, want 100x50", got)
	}
}

func TestPNGErrors(t *testing.T) {
	for _, in := range []string{"", "not svg", `<svg></svg>`, "<svg viewBox='0 0 10 10'><g>"} {
		if _, err := PNG([]byte(in), 0); err == nil {
			t.Errorf("PNG(%q) = nil error, want one", in)
		}
	}
}

func TestSVGThenPNG(t *testing.T) {
	svg, err := SVG(context.Background(), []byte(small), "dot")
	if err != nil {
		t.Fatal(err)
	}
	b, err := PNG(svg, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := png.Decode(bytes.NewReader(b)); err != nil {
		t.Errorf("PNG of a graphviz SVG does not decode: %v", err)
	}
}

func TestParseTransform(t *testing.T) {
	m := parseTransform("scale(2 3) rotate(0) translate(4 96)")
	if x, y := m.apply(1, -1); x != 10 || y != 285 {
		t.Errorf("apply(1,-1) = %v,%v, want 10,285", x, y)
	}
	if x, y := parseTransform("").apply(5, 6); x != 5 || y != 6 {
		t.Errorf("empty transform moved the point to %v,%v", x, y)
	}
	if x, y := parseTransform("matrix(1 0 0 1 7 8) garbage(").apply(0, 0); x != 7 || y != 8 {
		t.Errorf("matrix transform = %v,%v, want 7,8", x, y)
	}
}
