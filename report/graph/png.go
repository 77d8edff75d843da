package graph

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/srwiley/oksvg"
	"github.com/srwiley/rasterx"
	"golang.org/x/image/colornames"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// DefaultMaxSide is the default longest side of a PNG, in pixels.
const DefaultMaxSide = 4096

// PNG rasterizes an SVG document produced by graphviz (not go-graphviz's own PNG renderer,
// which draws wrong edges): shapes with oksvg/rasterx, and the <text> elements, which oksvg
// does not draw, with the Go Regular font. The image is drawn at 2 pixels per SVG unit, or
// smaller so that its longest side stays within maxSide pixels (DefaultMaxSide when ≤ 0).
// It supports what graphviz emits (polygons, paths, ellipses, polylines, one transform on
// the graph group, text anchored start, middle or end), not SVG in general.
func PNG(svg []byte, maxSide int) ([]byte, error) {
	if maxSide <= 0 {
		maxSide = DefaultMaxSide
	}
	icon, err := oksvg.ReadIconStream(bytes.NewReader(svg), oksvg.IgnoreErrorMode)
	if err != nil {
		return nil, fmt.Errorf("rasterize svg: %w", err)
	}
	vb := icon.ViewBox
	if vb.W <= 0 || vb.H <= 0 {
		return nil, errors.New("rasterize svg: no viewBox")
	}
	scale := math.Min(2, float64(maxSide)/math.Max(vb.W, vb.H))
	w, h := int(math.Ceil(vb.W*scale)), int(math.Ceil(vb.H*scale))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	icon.SetTarget(0, 0, float64(w), float64(h))
	scanner := newBoxScanner(img)
	icon.Draw(rasterx.NewDasher(w, h, scanner), 1)

	texts, err := svgTexts(svg)
	if err != nil {
		return nil, fmt.Errorf("rasterize svg: %w", err)
	}
	for _, t := range texts {
		x := (t.x - vb.X) * scale
		y := (t.y - vb.Y) * scale
		drawText(img, t, x, y, t.size*scale)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("rasterize svg: encode png: %w", err)
	}
	return buf.Bytes(), nil
}

// svgText is one <text> element with its position already transformed to SVG user space.
type svgText struct {
	x, y   float64
	size   float64
	anchor string
	fill   color.Color
	s      string
}

// affine is a 2-D affine transform [a c e; b d f].
type affine struct{ a, b, c, d, e, f float64 }

var identity = affine{a: 1, d: 1}

func (m affine) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

// mul returns m·n (n applied first).
func (m affine) mul(n affine) affine {
	return affine{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

// parseTransform understands the scale, rotate, translate and matrix functions.
func parseTransform(s string) affine {
	m := identity
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		open := strings.IndexByte(s, '(')
		end := strings.IndexByte(s, ')')
		if open < 0 || end < open {
			break
		}
		name := strings.TrimSpace(s[:open])
		var args []float64
		for _, f := range strings.FieldsFunc(s[open+1:end], func(r rune) bool { return r == ' ' || r == ',' }) {
			v, err := strconv.ParseFloat(f, 64)
			if err == nil {
				args = append(args, v)
			}
		}
		s = s[end+1:]
		var n affine
		switch {
		case name == "translate" && len(args) >= 1:
			n = affine{a: 1, d: 1, e: args[0]}
			if len(args) > 1 {
				n.f = args[1]
			}
		case name == "scale" && len(args) >= 1:
			n = affine{a: args[0], d: args[0]}
			if len(args) > 1 {
				n.d = args[1]
			}
		case name == "rotate" && len(args) >= 1:
			r := args[0] * math.Pi / 180
			n = affine{a: math.Cos(r), b: math.Sin(r), c: -math.Sin(r), d: math.Cos(r)}
		case name == "matrix" && len(args) == 6:
			n = affine{args[0], args[1], args[2], args[3], args[4], args[5]}
		default:
			continue
		}
		m = m.mul(n)
	}
	return m
}

// svgTexts collects the <text> elements of an SVG with their transformed positions.
func svgTexts(svg []byte) ([]svgText, error) {
	dec := xml.NewDecoder(bytes.NewReader(svg))
	dec.Strict = false
	dec.Entity = xml.HTMLEntity
	stack := []affine{identity}
	var out []svgText
	var cur *svgText
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			m := stack[len(stack)-1]
			attr := map[string]string{}
			for _, a := range t.Attr {
				attr[a.Name.Local] = a.Value
			}
			if tr, ok := attr["transform"]; ok {
				m = m.mul(parseTransform(tr))
			}
			stack = append(stack, m)
			if t.Name.Local == "text" {
				x, _ := strconv.ParseFloat(attr["x"], 64)
				y, _ := strconv.ParseFloat(attr["y"], 64)
				size, err := strconv.ParseFloat(strings.TrimSuffix(attr["font-size"], "px"), 64)
				if err != nil || size <= 0 {
					size = 14
				}
				tx, ty := m.apply(x, y)
				sx := math.Hypot(m.a, m.b)
				cur = &svgText{x: tx, y: ty, size: size * sx, anchor: attr["text-anchor"], fill: parseColor(attr["fill"])}
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
			if t.Name.Local == "text" && cur != nil {
				cur.s = strings.TrimSpace(cur.s)
				if cur.s != "" {
					out = append(out, *cur)
				}
				cur = nil
			}
		case xml.CharData:
			if cur != nil {
				cur.s += string(t)
			}
		}
	}
}

func parseColor(s string) color.Color {
	s = strings.TrimSpace(strings.ToLower(s))
	if strings.HasPrefix(s, "#") && (len(s) == 7 || len(s) == 4) {
		if len(s) == 4 {
			s = "#" + strings.Repeat(s[1:2], 2) + strings.Repeat(s[2:3], 2) + strings.Repeat(s[3:4], 2)
		}
		v, err := strconv.ParseUint(s[1:], 16, 32)
		if err == nil {
			return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
		}
	}
	if c, ok := colornames.Map[s]; ok {
		return c
	}
	return color.Black
}

var (
	fontOnce sync.Once
	fontData *opentype.Font
	fontErr  error
	faceMu   sync.Mutex
	faces    = map[int]font.Face{} // by size in 1/4 pixels
)

func face(px float64) (font.Face, error) {
	fontOnce.Do(func() { fontData, fontErr = opentype.Parse(goregular.TTF) })
	if fontErr != nil {
		return nil, fontErr
	}
	key := int(math.Round(px * 4))
	faceMu.Lock()
	defer faceMu.Unlock()
	if f, ok := faces[key]; ok {
		return f, nil
	}
	f, err := opentype.NewFace(fontData, &opentype.FaceOptions{Size: float64(key) / 4, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, err
	}
	faces[key] = f
	return f, nil
}

// drawText draws t with its baseline at (x, y) pixels. Graphviz sizes text for Times/
// Helvetica; Go Regular is a little wider, so text is shrunk to about the same width.
func drawText(img *image.RGBA, t svgText, x, y, px float64) {
	if px < 3 {
		return // unreadable anyway
	}
	f, err := face(px * 0.92)
	if err != nil {
		return
	}
	faceMu.Lock()
	defer faceMu.Unlock()
	d := &font.Drawer{Dst: img, Src: image.NewUniform(t.fill), Face: f}
	width := float64(d.MeasureString(t.s)) / 64
	switch t.anchor {
	case "middle":
		x -= width / 2
	case "end":
		x -= width
	}
	d.Dot = fixed.Point26_6{X: fixed.Int26_6(x * 64), Y: fixed.Int26_6(y * 64)}
	d.DrawString(t.s)
}
