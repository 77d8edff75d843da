package render

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// Layout thresholds. The service map is laid out with dot (tens of nodes, readable ranks);
// dot is pathological on big cyclic graphs, so other graphs use dot only while small and
// sfdp with overlap=prism above SFDPNodes. Above LabelNodes edge labels move into tooltips.
const (
	SFDPNodes  = 80
	SFDPEdges  = 250
	LabelNodes = 60
)

// dotWriter writes DOT with quoted IDs and sorted attributes.
type dotWriter struct{ b bytes.Buffer }

// quote returns s as a DOT double-quoted string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// attrs formats attributes as [k="v", …], keys sorted.
func attrs(m map[string]string) string {
	if len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+quote(m[k]))
	}
	return " [" + strings.Join(parts, ", ") + "]"
}

func (w *dotWriter) line(format string, args ...any) {
	fmt.Fprintf(&w.b, format, args...)
	w.b.WriteByte('\n')
}

func (w *dotWriter) header(name string, graph map[string]string) {
	w.line("digraph %s {", quote(name))
	w.line("  graph%s", attrs(graph))
	w.line("  node%s", attrs(map[string]string{"shape": "box", "style": "rounded,filled", "fontname": "Helvetica", "fontsize": "11", "color": "#555555", "fillcolor": "#ffffff"}))
	w.line("  edge%s", attrs(map[string]string{"fontname": "Helvetica", "fontsize": "9", "color": "#777777", "fontcolor": "#555555", "arrowsize": "0.7"}))
}

func (w *dotWriter) node(id string, a map[string]string) { w.line("  %s%s", quote(id), attrs(a)) }

func (w *dotWriter) edge(from, to string, a map[string]string) {
	w.line("  %s -> %s%s", quote(from), quote(to), attrs(a))
}

func (w *dotWriter) end() []byte {
	w.line("}")
	return w.b.Bytes()
}

// graphAttrs returns the graph attributes for a layout engine.
func graphAttrs(layout string, nodes int) map[string]string {
	a := map[string]string{"layout": layout, "fontname": "Helvetica", "bgcolor": "white", "pad": "0.2"}
	switch layout {
	case "sfdp":
		// prism removes overlaps best; above 400 nodes it costs seconds in WebAssembly,
		// and scale (spread the layout) is an order of magnitude cheaper.
		a["overlap"] = "prism"
		if nodes > 400 {
			a["overlap"] = "scale"
		}
		a["splines"] = "false"
		a["outputorder"] = "edgesfirst"
	default:
		a["rankdir"] = "LR"
		a["nodesep"] = "0.35"
		a["ranksep"] = "0.9"
		if nodes > 20 {
			// Bound dot's crossing minimisation and network simplex on bigger graphs.
			a["mclimit"] = "0.5"
			a["nslimit"] = "4"
			a["nslimit1"] = "4"
		}
	}
	return a
}

func layoutFor(nodes, edges int) string {
	if nodes > SFDPNodes || edges > SFDPEdges {
		return "sfdp"
	}
	return "dot"
}

func penwidth(n int) string {
	return FormatNumber(math.Min(6, 1+math.Log2(float64(max(1, n)))))
}

// ServiceMapGraph returns the service map: services as nodes and one edge per pair of
// services that are coupled, weighted by the number of findings: grey for in-process calls
// only, red and dashed when data couples them (foreign reads and writes, joins, foreign keys,
// transactions, routines). The label counts calls and data findings; the tooltip lists kinds.
func ServiceMapGraph(v *View) *Graph {
	type pair struct{ from, to string }
	var pairs []pair
	merged := map[pair][]Flow{}
	for _, f := range v.Flows {
		k := pair{f.From, f.To}
		if merged[k] == nil {
			pairs = append(pairs, k)
		}
		merged[k] = append(merged[k], f)
	}
	// A dense map is a hairball: keep the strongest couplings, three per service on average.
	note := ""
	if keep := 3 * len(v.Services); len(pairs) > keep && len(pairs) > 60 {
		weight := func(k pair) int {
			n := 0
			for _, f := range merged[k] {
				n += f.Count
			}
			return n
		}
		sort.SliceStable(pairs, func(i, j int) bool { return weight(pairs[i]) > weight(pairs[j]) })
		note = fmt.Sprintf("Showing the %d strongest of %d service couplings (at least %d findings each); the findings list and the ownership matrix have all of them.",
			keep, len(pairs), weight(pairs[keep-1]))
		pairs = pairs[:keep]
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i].from != pairs[j].from {
				return pairs[i].from < pairs[j].from
			}
			return pairs[i].to < pairs[j].to
		})
	}
	// dot draws the clearest service map, but is pathological on big dense cyclic graphs.
	layout := "dot"
	if len(v.Services) > 150 || len(pairs) > SFDPEdges {
		layout = "sfdp"
	}
	labels := len(v.Services) <= LabelNodes && len(pairs) <= 150
	w := &dotWriter{}
	ga := graphAttrs(layout, len(v.Services))
	if layout == "dot" {
		ga["ranksep"] = "0.6"
		ga["nodesep"] = "0.3"
	}
	w.header("services", ga)
	for _, s := range v.Services {
		label := fmt.Sprintf("%s\n%d units · %d tables · %d routes", s.Name, len(s.Units), len(s.Tables), len(s.Service.Routes))
		w.node(s.Name, map[string]string{"label": label, "fillcolor": s.Color, "URL": "#" + s.Anchor, "fontsize": "12",
			"tooltip": fmt.Sprintf("%s: %d lines, %d findings out, %d in", s.Name, s.Lines, s.OutTotal, s.InTotal)})
	}
	for _, k := range pairs {
		calls, data := 0, 0
		var tips []string
		for _, f := range merged[k] {
			if f.Data {
				data += f.Count
			} else {
				calls += f.Count
			}
			tips = append(tips, f.Label())
		}
		var parts []string
		if calls > 0 {
			parts = append(parts, fmt.Sprintf("%d call%s", calls, plural(calls)))
		}
		if data > 0 {
			parts = append(parts, fmt.Sprintf("%d data", data))
		}
		a := map[string]string{"penwidth": penwidth(calls + data), "tooltip": fmt.Sprintf("%s → %s: %s", k.from, k.to, strings.Join(tips, ", "))}
		if labels {
			a["label"] = strings.Join(parts, " + ")
		}
		if data > 0 {
			a["color"] = "#c0392b"
			a["fontcolor"] = "#c0392b"
			a["style"] = "dashed"
		}
		w.edge(k.from, k.to, a)
	}
	return &Graph{Name: "services", Title: "Service map", DOT: w.end(), Layout: layout, Nodes: len(v.Services), Edges: len(pairs), Note: note}
}

// pkgNode is one node of the package graph: a package, or the part of a split package that
// belongs to one service.
type pkgNode struct {
	id, label, group string
}

// PackageGraph returns the package graph coloured by service. A package whose units belong
// to several services (or to a service and the kernel) is drawn once per part, labelled with
// the part's service; edges aggregate unit edges between parts.
func PackageGraph(v *View) *Graph {
	res := v.Result
	kernel := map[facts.UnitID]bool{}
	for _, u := range v.Kernel.Units {
		kernel[u] = true
	}
	group := func(u facts.UnitID) string {
		if s := v.UnitService[u]; s != "" {
			return s
		}
		if kernel[u] {
			return "(kernel)"
		}
		return "(unassigned)"
	}
	unitPkg := make(map[facts.UnitID]string, len(res.Units))
	parts := map[string]map[string]bool{} // package → groups
	for _, u := range res.Units {
		unitPkg[u.ID] = u.Package
		if parts[u.Package] == nil {
			parts[u.Package] = map[string]bool{}
		}
		parts[u.Package][group(u.ID)] = true
	}
	nodeOf := func(pkg, g string) string {
		if len(parts[pkg]) <= 1 {
			return pkg
		}
		return pkg + " [" + g + "]"
	}
	var nodes []pkgNode
	for pkg, gs := range parts {
		for g := range gs {
			id := nodeOf(pkg, g)
			label := pkg
			if len(gs) > 1 {
				label = pkg + "\n[" + g + "]"
			}
			nodes = append(nodes, pkgNode{id: id, label: label, group: g})
		}
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].id < nodes[j].id })
	type ek struct{ from, to string }
	edges := map[ek]int{}
	for _, e := range res.Edges {
		fp, ok1 := unitPkg[e.From]
		tp, ok2 := unitPkg[e.To]
		if !ok1 || !ok2 {
			continue
		}
		a, b := nodeOf(fp, group(e.From)), nodeOf(tp, group(e.To))
		if a != b {
			edges[ek{a, b}] += max(1, e.Count)
		}
	}
	keys := make([]ek, 0, len(edges))
	for k := range edges {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].from != keys[j].from {
			return keys[i].from < keys[j].from
		}
		return keys[i].to < keys[j].to
	})
	layout := layoutFor(len(nodes), len(keys))
	w := &dotWriter{}
	w.header("packages", graphAttrs(layout, len(nodes)))
	for _, n := range nodes {
		a := map[string]string{"label": n.label, "fillcolor": v.Color(n.group), "tooltip": n.id}
		switch n.group {
		case "(kernel)":
			a["fillcolor"] = "#e8e8e8"
			a["style"] = "rounded,filled,dashed"
		case "(unassigned)":
			a["fillcolor"] = "#ffffff"
		default:
			a["URL"] = "#" + Anchor(n.group)
		}
		w.node(n.id, a)
	}
	labels := len(nodes) <= LabelNodes
	for _, k := range keys {
		n := edges[k]
		a := map[string]string{"penwidth": penwidth(n), "tooltip": fmt.Sprintf("%s → %s: %d", k.from, k.to, n)}
		if labels && n > 1 {
			a["label"] = fmt.Sprint(n)
		}
		w.edge(k.from, k.to, a)
	}
	return &Graph{Name: "packages", Title: "Packages by service", DOT: w.end(), Layout: layout, Nodes: len(nodes), Edges: len(keys)}
}

// TableGraph returns the table-access graph: services (boxes) and tables (cylinders
// coloured by owner) with an edge for every service that reads (grey) or writes (red) a
// table; the owner's edges are bold.
func TableGraph(v *View) *Graph {
	rows := v.Matrix.Items
	nodes := len(v.MatrixColumns) + len(rows)
	nedges := 0
	for _, r := range rows {
		for _, c := range r.Cells {
			if c.Access != "" || c.Owner {
				nedges++
			}
		}
	}
	layout := layoutFor(nodes, nedges)
	w := &dotWriter{}
	w.header("tables", graphAttrs(layout, nodes))
	for _, s := range v.MatrixColumns {
		w.node("svc:"+s.Name, map[string]string{"label": s.Name, "fillcolor": s.Color, "URL": "#" + s.Anchor})
	}
	edges := 0
	for _, r := range rows {
		a := map[string]string{"label": r.Table, "shape": "cylinder", "style": "filled", "fillcolor": v.Color(r.Owner), "fontsize": "10",
			"tooltip": fmt.Sprintf("%s: owner %s, %s", r.Table, orNone(r.Owner), orNone(r.Class))}
		if r.Owner == "" {
			a["fillcolor"] = "#ffffff"
			a["style"] = "filled,dashed"
		}
		w.node("table:"+r.Table, a)
	}
	for _, r := range rows {
		for i, c := range r.Cells {
			if c.Access == "" && !c.Owner {
				continue
			}
			a := map[string]string{"tooltip": fmt.Sprintf("%s %s %s", v.MatrixColumns[i].Name, accessVerb(c.Access), r.Table)}
			if strings.Contains(c.Access, "W") {
				a["color"] = "#c0392b"
			}
			switch {
			case c.Owner:
				a["penwidth"] = "2"
				if c.Access == "" {
					a["style"] = "dotted"
				}
			default:
				a["style"] = "dashed"
			}
			w.edge("svc:"+v.MatrixColumns[i].Name, "table:"+r.Table, a)
			edges++
		}
	}
	return &Graph{Name: "tables", Title: "Table access", DOT: w.end(), Layout: layout, Nodes: nodes, Edges: edges}
}

func accessVerb(a string) string {
	switch a {
	case "R":
		return "reads"
	case "W":
		return "writes"
	case "RW":
		return "reads and writes"
	}
	return "owns"
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// Graphs returns the report's graphs in display order: service map, packages, tables.
func Graphs(v *View) []*Graph {
	return []*Graph{ServiceMapGraph(v), PackageGraph(v), TableGraph(v)}
}
