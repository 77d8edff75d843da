package graph

import (
	"image"
	"image/color"
	"image/draw"
	"math"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// boxScanner is a rasterx.Scanner that rasterizes each path only over its bounding box.
// rasterx's ScannerGV sweeps the whole image for every path, which makes a graph of a few
// hundred shapes take seconds; this one records the path, then replays it into a
// rasterizer the size of the path's extent. Colour functions (gradients) and clipping are
// not needed for graphviz output: a colour function is drawn with its colour at the origin.
type boxScanner struct {
	dest   draw.Image
	src    image.Image
	pts    []op
	minX   fixed.Int26_6
	minY   fixed.Int26_6
	maxX   fixed.Int26_6
	maxY   fixed.Int26_6
	raster vector.Rasterizer
}

type op struct {
	move bool
	p    fixed.Point26_6
}

var _ rasterx.Scanner = (*boxScanner)(nil)

func newBoxScanner(dest draw.Image) *boxScanner {
	s := &boxScanner{dest: dest, src: image.NewUniform(color.Black)}
	s.Clear()
	return s
}

func (s *boxScanner) extend(p fixed.Point26_6) {
	s.minX, s.maxX = min(s.minX, p.X), max(s.maxX, p.X)
	s.minY, s.maxY = min(s.minY, p.Y), max(s.maxY, p.Y)
}

func (s *boxScanner) Start(a fixed.Point26_6) {
	s.extend(a)
	s.pts = append(s.pts, op{move: true, p: a})
}
func (s *boxScanner) Line(b fixed.Point26_6) { s.extend(b); s.pts = append(s.pts, op{p: b}) }

func (s *boxScanner) GetPathExtent() fixed.Rectangle26_6 {
	return fixed.Rectangle26_6{Min: fixed.Point26_6{X: s.minX, Y: s.minY}, Max: fixed.Point26_6{X: s.maxX, Y: s.maxY}}
}

func (s *boxScanner) SetBounds(w, h int)           {}
func (s *boxScanner) SetWinding(nonZero bool)      {}
func (s *boxScanner) SetClip(rect image.Rectangle) {}
func (s *boxScanner) SetColor(c interface{}) {
	switch c := c.(type) {
	case color.Color:
		s.src = image.NewUniform(c)
	case rasterx.ColorFunc:
		s.src = image.NewUniform(c(0, 0))
	}
}

func (s *boxScanner) Clear() {
	s.pts = s.pts[:0]
	const big = fixed.Int26_6(math.MaxInt32)
	s.minX, s.minY, s.maxX, s.maxY = big, big, -big, -big
}

// Draw rasterizes the recorded path over its bounding box (clipped to the image).
func (s *boxScanner) Draw() {
	if len(s.pts) == 0 {
		return
	}
	box := image.Rect(s.minX.Floor()-1, s.minY.Floor()-1, s.maxX.Ceil()+1, s.maxY.Ceil()+1)
	clip := box.Intersect(s.dest.Bounds())
	if clip.Empty() {
		return
	}
	s.raster.Reset(box.Dx(), box.Dy())
	ox, oy := float32(box.Min.X), float32(box.Min.Y)
	for _, o := range s.pts {
		x, y := float32(o.p.X)/64-ox, float32(o.p.Y)/64-oy
		if o.move {
			s.raster.MoveTo(x, y)
		} else {
			s.raster.LineTo(x, y)
		}
	}
	// No ClosePath: rasterx emits outlines as separate Start/Line segments whose signed
	// areas add up; closing the last one would cancel it.
	// vector.Rasterizer.Draw maps the rasterizer's origin to r.Min.
	s.raster.DrawOp = draw.Over
	if clip == box {
		s.raster.Draw(s.dest, box, s.src, image.Point{})
		return
	}
	tmp := image.NewRGBA(image.Rect(0, 0, box.Dx(), box.Dy()))
	draw.Draw(tmp, tmp.Bounds(), s.dest, box.Min, draw.Src)
	s.raster.Draw(tmp, tmp.Bounds(), s.src, image.Point{})
	draw.Draw(s.dest, clip, tmp, clip.Min.Sub(box.Min), draw.Src)
}
