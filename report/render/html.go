package render

import (
	"bufio"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"path"
	"regexp"
	"strings"
)

var (
	//go:embed assets/report.html.tmpl
	pageTemplate string
	//go:embed assets/report.css
	pageCSS string
	//go:embed assets/report.js
	pageJS string
)

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"css":     func(s string) template.CSS { return template.CSS(cssColor(s)) },
	"base":    path.Base,
	"anchor":  Anchor,
	"join":    strings.Join,
	"num":     FormatNumber,
	"percent": func(f float64) string { return FormatNumber(float64(int(1000*f+0.5))/10) + " %" },
	"total":   func(g FindingGroup) int { return len(g.Items) + g.More },
	"sub":     func(a, b int) int { return a - b },
}).Parse(pageTemplate))

var colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{3,8}$`)

// cssColor lets only hex colours through to a style attribute.
func cssColor(s string) string {
	if colorRE.MatchString(s) {
		return s
	}
	return "#cccccc"
}

// pageData is what the template sees.
type pageData struct {
	*View
	CSS template.CSS
	JS  template.JS
}

// ServiceMap returns the graph named "services", or nil.
func (d pageData) ServiceMap() *Graph { return d.graph("services") }

// OtherGraphs returns every graph but the service map.
func (d pageData) OtherGraphs() []*Graph {
	var out []*Graph
	for _, g := range d.Graphs {
		if g.Name != "services" {
			out = append(out, g)
		}
	}
	return out
}

// OutlierCount is the number of outlier units.
func (d pageData) OutlierCount() int { return len(d.Outliers.Items) + d.Outliers.More }

func (d pageData) graph(name string) *Graph {
	for _, g := range d.Graphs {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// HTML writes the report page: one self-contained document (CSS and JavaScript inline, the
// graphs' SVG inline, no external resource) that works from file:// with no network. Graphs
// come from v.Graphs; a graph without SVG shows its Fallback text.
func HTML(w io.Writer, v *View) error {
	bw := bufio.NewWriter(w)
	if err := page.Execute(bw, pageData{View: v, CSS: template.CSS(pageCSS), JS: template.JS(pageJS)}); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return bw.Flush()
}

var svgStart = regexp.MustCompile(`(?s)^.*?(<svg\b)`)

// InlineSVG prepares an SVG document produced by graphviz for inlining in the page: it drops
// the XML prolog, doctype and comments before <svg> (the page's CSS scales the drawing down
// to the column width). It returns "" if s holds no <svg> element.
func InlineSVG(s []byte) template.HTML {
	str := string(s)
	if !strings.Contains(str, "<svg") {
		return ""
	}
	str = svgStart.ReplaceAllString(str, "$1")
	return template.HTML(strings.TrimSpace(str)) // #nosec: graphviz output from our own escaped DOT
}
