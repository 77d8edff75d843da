// Package render turns an analysis result into the report's documents: a view model (View)
// derived once from the result, the DOT graphs (service map, package graph coloured by
// service, table-access graph), the self-contained HTML page and the Markdown summary. It is
// pure Go and does not lay out graphs: the caller hands in SVG it got elsewhere (package
// report uses report/graph). Output is deterministic: every list is sorted, no map order
// leaks. Functions are safe to call concurrently; a View is read-only once built.
package render

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// Options controls how much of a result the documents show. Zero values take the defaults.
type Options struct {
	// SourceRoot is the analysed module root, used to read code excerpts at file:line.
	// Empty means no excerpts. Files missing under it give no excerpt, not an error.
	SourceRoot string
	// MaxList caps every list of names (units, files, routes…) in a service canvas;
	// the rest is summarised as "N more". Default 40.
	MaxList int
	// MaxFindingsPerKind caps the findings listed per kind in the HTML; default 200.
	MaxFindingsPerKind int
	// MaxExcerpts caps how many findings get a code excerpt; default 400.
	MaxExcerpts int
	// ExcerptContext is the number of lines shown either side of an excerpt's line; default 2.
	ExcerptContext int
	// MaxMatrixRows caps the table rows of the ownership matrix; default 1000.
	MaxMatrixRows int
	// MaxMatrixServices is the most service columns the full matrix has; above it the
	// matrix keeps only the tables touched by more than their owner and the services that
	// touch them. Default 60.
	MaxMatrixServices int
}

func (o Options) withDefaults() Options {
	if o.MaxList <= 0 {
		o.MaxList = 40
	}
	if o.MaxFindingsPerKind <= 0 {
		o.MaxFindingsPerKind = 200
	}
	if o.MaxExcerpts <= 0 {
		o.MaxExcerpts = 400
	}
	if o.ExcerptContext <= 0 {
		o.ExcerptContext = 2
	}
	if o.MaxMatrixRows <= 0 {
		o.MaxMatrixRows = 1000
	}
	if o.MaxMatrixServices <= 0 {
		o.MaxMatrixServices = 60
	}
	return o
}

// KindOrder lists the finding kinds in the order reports show them: the hardest to undo first.
var KindOrder = []decompose.FindingKind{
	decompose.CrossTx, decompose.ForeignWrite, decompose.CrossJoin, decompose.ForeignRead,
	decompose.CrossFK, decompose.CrossRoutine, decompose.CrossCall, decompose.Unowned,
}

// KindTitle is the heading of each finding kind.
var KindTitle = map[decompose.FindingKind]string{
	decompose.CrossTx:      "Cross-service transactions",
	decompose.ForeignWrite: "Foreign writes",
	decompose.CrossJoin:    "Cross-service joins",
	decompose.ForeignRead:  "Foreign reads",
	decompose.CrossFK:      "Cross-service foreign keys",
	decompose.CrossRoutine: "Cross-service routines",
	decompose.CrossCall:    "Cross-service calls",
	decompose.Unowned:      "Unowned tables",
}

// kindRank returns the position of k in KindOrder; unknown kinds sort last, by name.
func kindRank(k decompose.FindingKind) int {
	for i, x := range KindOrder {
		if x == k {
			return i
		}
	}
	return len(KindOrder)
}

// Capped is a list cut to a maximum length, with the number left out.
type Capped[T any] struct {
	Items []T
	More  int
}

func capList[T any](list []T, n int) Capped[T] {
	if len(list) <= n {
		return Capped[T]{Items: list}
	}
	return Capped[T]{Items: list[:n], More: len(list) - n}
}

// Metric is one named number, formatted for people.
type Metric struct {
	Name  string
	Value float64
	Text  string
}

func metrics(m map[string]float64) []Metric {
	var out []Metric
	for k, v := range m {
		out = append(out, Metric{Name: k, Value: v, Text: FormatNumber(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// FormatNumber prints integers without decimals and other numbers with three significant
// decimals at most.
func FormatNumber(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Sprint(v)
	}
	if v == math.Trunc(v) && math.Abs(v) < 1e15 {
		return fmt.Sprintf("%d", int64(v))
	}
	s := fmt.Sprintf("%.3f", v)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// KindCount is the number of findings of one kind.
type KindCount struct {
	Kind  decompose.FindingKind
	Title string
	Count int
}

// Finding is a finding as displayed: the finding, its anchor and an optional excerpt.
type Finding struct {
	decompose.Finding
	ID      string   // anchor, "f<N>" in Findings order
	Excerpt *Excerpt // nil when the source is not available
}

// FindingGroup holds the findings of one kind, capped.
type FindingGroup struct {
	Kind  decompose.FindingKind
	Title string
	Capped[Finding]
}

// Flow is the coupling from one service to another, aggregated from findings.
type Flow struct {
	From, To string
	Data     bool // data coupling (tables, transactions, routines) rather than calls
	Count    int
	Kinds    []KindCount // per kind, in KindOrder
}

// Label is the short description of a flow ("3 calls", "2 foreign-read, 1 cross-tx").
func (f Flow) Label() string {
	var parts []string
	for _, k := range f.Kinds {
		if k.Kind == decompose.CrossCall {
			parts = append(parts, fmt.Sprintf("%d call%s", k.Count, plural(k.Count)))
		} else {
			parts = append(parts, fmt.Sprintf("%d %s", k.Count, k.Kind))
		}
	}
	return strings.Join(parts, ", ")
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// TableRef is a table with its owner.
type TableRef struct {
	Name  string
	Owner string
	Class string
}

// Service is the canvas of one service.
type Service struct {
	decompose.Service
	Anchor     string // HTML id
	Color      string // fill colour used in every graph
	Routes     Capped[string]
	UnitList   Capped[facts.UnitID]
	FileList   Capped[string]
	Owned      []TableRef
	ReadsFrom  []TableRef
	WritesTo   []TableRef
	Out, In    []KindCount // findings originating here / reaching here, by kind
	OutTotal   int
	InTotal    int
	OutFlows   []Flow // to other services
	InFlows    []Flow // from other services
	MetricList []Metric
	PlanOrder  int // 0 when not in the plan
}

// MatrixCell is one service × table cell: R, W, RW or empty, and whether the service owns it.
type MatrixCell struct {
	Access string
	Owner  bool
}

// MatrixRow is one table of the ownership matrix.
type MatrixRow struct {
	Table  string
	Owner  string
	Class  string
	Cells  []MatrixCell // one per View.MatrixColumns, same order
	Shared bool         // touched by a service other than the owner
}

// Step is one plan step with its blockers in KindOrder.
type Step struct {
	decompose.Step
	BlockerList []KindCount
	Blocking    int
}

// Sweep is the granularity sweep as a table: Rows has one entry per sweep point, Metrics
// the same numbers transposed (one row per metric, one cell per point), which is how the page
// shows it: a handful of points and many metrics.
type Sweep struct {
	Columns []string
	Rows    []SweepRow
	Metrics []SweepMetric
}

// SweepMetric is one metric across the sweep points.
type SweepMetric struct {
	Name   string
	Values []SweepCell
}

// SweepCell is one metric value at one sweep point.
type SweepCell struct {
	Text    string
	Current bool
}

// SweepRow is one sweep point.
type SweepRow struct {
	Services   int
	Resolution string
	Values     []string // one per Columns, "" when absent
	Current    bool     // the point matching the proposal's service count
}

// Graph is one DOT graph of the report and, once laid out, its SVG.
type Graph struct {
	Name   string // file base name: services, packages, tables
	Title  string
	DOT    []byte
	Layout string // graphviz engine: dot or sfdp
	Nodes  int
	Edges  int
	// SVG is the laid-out graph (set by the caller); empty when Fallback says why not.
	SVG template.HTML
	// Note says what the graph leaves out, if anything ("Showing the 150 strongest …").
	Note string
	// Fallback is the text shown instead of the graph ("graph too large to lay out: …").
	Fallback string
	// Files lists the files written for the graph (e.g. services.dot, services.svg).
	Files []string
}

// View is everything the documents show, derived once from a result.
type View struct {
	Result      *analyzer.Result
	Module      string
	Source      string
	Summary     analyzer.Summary
	Metrics     []Metric
	Services    []*Service
	Kernel      decompose.Kernel
	KernelUnits Capped[facts.UnitID]
	Outliers    Capped[facts.UnitID]
	Flows       []Flow // service → service, sorted by from, to, data
	Matrix      Capped[MatrixRow]
	// MatrixColumns are the services with a column in the matrix: all of them, or in a big
	// proposal only those touching a shared table (MatrixNote then says so).
	MatrixColumns []*Service
	MatrixNote    string
	KindCounts    []KindCount // kinds with at least one finding, in KindOrder
	Groups        []FindingGroup
	Plan          []Step
	Sweep         Sweep
	Unresolved    Capped[facts.SQL]
	Skipped       Capped[facts.Skipped]
	UnitService   map[facts.UnitID]string // unit → service name, "" for kernel/outliers
	Graphs        []*Graph
	ExcerptCount  int
	opts          Options
}

// palette holds the service fill colours (light, readable under black text).
var palette = []string{
	"#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462",
	"#b3de69", "#fccde5", "#d9d9d9", "#bc80bd", "#ccebc5", "#ffed6f",
}

// Anchor returns the HTML id of a service.
func Anchor(service string) string {
	var b strings.Builder
	b.WriteString("svc-")
	for _, r := range service {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, ".%x", r)
		}
	}
	return b.String()
}

// Build derives the view of res. It never fails: missing parts of the result give empty
// sections. res must not be nil.
func Build(res *analyzer.Result, opts Options) *View {
	opts = opts.withDefaults()
	p := res.Proposal
	if p == nil {
		p = &decompose.Proposal{}
	}
	v := &View{Result: res, Module: res.Module, Source: p.Source, Summary: res.Summary, Metrics: metrics(p.Metrics),
		Kernel: p.Kernel, UnitService: map[facts.UnitID]string{}, opts: opts}
	v.KernelUnits = capList(p.Kernel.Units, opts.MaxList)
	v.Outliers = capList(p.Outliers, opts.MaxList)

	services := append([]decompose.Service(nil), p.Services...)
	sort.Slice(services, func(i, j int) bool { return services[i].Name < services[j].Name })
	index := map[string]*Service{}
	for i, s := range services {
		sv := &Service{Service: s, Anchor: Anchor(s.Name), Color: palette[i%len(palette)], MetricList: metrics(s.Metrics)}
		sv.Routes = capList(s.Routes, opts.MaxList)
		sv.UnitList = capList(s.Units, opts.MaxList)
		sv.FileList = capList(s.Files, opts.MaxList)
		v.Services = append(v.Services, sv)
		index[s.Name] = sv
		for _, u := range s.Units {
			v.UnitService[u] = s.Name
		}
	}

	owners := map[string]decompose.Ownership{}
	for _, o := range p.Ownership {
		owners[o.Table] = o
	}
	ref := func(t string) TableRef {
		o := owners[t]
		return TableRef{Name: t, Owner: o.Owner, Class: o.Class}
	}
	for _, sv := range v.Services {
		for _, t := range sv.Tables {
			sv.Owned = append(sv.Owned, ref(t))
		}
		for _, t := range sv.Reads {
			sv.ReadsFrom = append(sv.ReadsFrom, ref(t))
		}
		for _, t := range sv.Writes {
			sv.WritesTo = append(sv.WritesTo, ref(t))
		}
	}

	v.buildFindings(p, index)
	v.buildMatrix(res, p, owners)
	for _, st := range p.Plan {
		s := Step{Step: st, BlockerList: kindCounts(st.Blockers)}
		for _, k := range s.BlockerList {
			s.Blocking += k.Count
		}
		v.Plan = append(v.Plan, s)
		if sv := index[st.Service]; sv != nil {
			sv.PlanOrder = st.Order
		}
	}
	sort.SliceStable(v.Plan, func(i, j int) bool { return v.Plan[i].Order < v.Plan[j].Order })
	v.buildSweep(p)

	var unresolved []facts.SQL
	for _, s := range res.SQL {
		if s.Status == facts.Unresolved {
			unresolved = append(unresolved, s)
		}
	}
	v.Unresolved = capList(unresolved, opts.MaxList)
	v.Skipped = capList(res.Skipped, opts.MaxList)
	return v
}

func kindCounts(m map[decompose.FindingKind]int) []KindCount {
	var out []KindCount
	for k, n := range m {
		if n > 0 {
			out = append(out, KindCount{Kind: k, Title: kindTitle(k), Count: n})
		}
	}
	sortKindCounts(out)
	return out
}

func sortKindCounts(list []KindCount) {
	sort.Slice(list, func(i, j int) bool {
		ri, rj := kindRank(list[i].Kind), kindRank(list[j].Kind)
		if ri != rj {
			return ri < rj
		}
		return list[i].Kind < list[j].Kind
	})
}

func kindTitle(k decompose.FindingKind) string {
	if t, ok := KindTitle[k]; ok {
		return t
	}
	return string(k)
}

func (v *View) buildFindings(p *decompose.Proposal, index map[string]*Service) {
	byKind := map[decompose.FindingKind][]Finding{}
	out := map[string]map[decompose.FindingKind]int{}
	in := map[string]map[decompose.FindingKind]int{}
	type flowKey struct {
		from, to string
		data     bool
	}
	flows := map[flowKey]map[decompose.FindingKind]int{}
	bump := func(m map[string]map[decompose.FindingKind]int, s string, k decompose.FindingKind) {
		if m[s] == nil {
			m[s] = map[decompose.FindingKind]int{}
		}
		m[s][k]++
	}
	total := map[decompose.FindingKind]int{}
	ex := newExcerpter(v.opts.SourceRoot, v.opts.ExcerptContext)
	excerpts := 0
	// Excerpts go to the findings shown first: kinds in KindOrder, then position.
	ordered := append([]decompose.Finding(nil), p.Findings...)
	sort.SliceStable(ordered, func(i, j int) bool { return kindRank(ordered[i].Kind) < kindRank(ordered[j].Kind) })
	for i, f := range ordered {
		total[f.Kind]++
		if f.From != "" {
			bump(out, f.From, f.Kind)
		}
		if f.To != "" && f.To != f.From {
			bump(in, f.To, f.Kind)
		}
		if f.From != "" && f.To != "" && f.From != f.To {
			key := flowKey{f.From, f.To, f.Kind != decompose.CrossCall}
			if flows[key] == nil {
				flows[key] = map[decompose.FindingKind]int{}
			}
			flows[key][f.Kind]++
		}
		if len(byKind[f.Kind]) >= v.opts.MaxFindingsPerKind {
			continue
		}
		df := Finding{Finding: f, ID: fmt.Sprintf("f%d", i+1)}
		if excerpts < v.opts.MaxExcerpts {
			if e := ex.excerpt(f.Pos); e != nil {
				df.Excerpt = e
				excerpts++
			}
		}
		byKind[f.Kind] = append(byKind[f.Kind], df)
	}
	v.ExcerptCount = excerpts
	v.KindCounts = kindCounts(total)
	for _, kc := range v.KindCounts {
		g := FindingGroup{Kind: kc.Kind, Title: kc.Title, Capped: Capped[Finding]{Items: byKind[kc.Kind], More: kc.Count - len(byKind[kc.Kind])}}
		v.Groups = append(v.Groups, g)
	}
	for name, m := range out {
		if sv := index[name]; sv != nil {
			sv.Out = kindCounts(m)
			for _, n := range m {
				sv.OutTotal += n
			}
		}
	}
	for name, m := range in {
		if sv := index[name]; sv != nil {
			sv.In = kindCounts(m)
			for _, n := range m {
				sv.InTotal += n
			}
		}
	}
	for k, m := range flows {
		fl := Flow{From: k.from, To: k.to, Data: k.data, Kinds: kindCounts(m)}
		for _, n := range m {
			fl.Count += n
		}
		v.Flows = append(v.Flows, fl)
	}
	sort.Slice(v.Flows, func(i, j int) bool {
		a, b := v.Flows[i], v.Flows[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return !a.Data && b.Data
	})
	// A canvas lists one line per peer service, calls and data together.
	merge := func(list []Flow, fl Flow) []Flow {
		if n := len(list); n > 0 && list[n-1].From == fl.From && list[n-1].To == fl.To {
			m := list[n-1]
			m.Data = m.Data || fl.Data
			m.Count += fl.Count
			m.Kinds = append(append([]KindCount(nil), m.Kinds...), fl.Kinds...)
			sortKindCounts(m.Kinds)
			list[n-1] = m
			return list
		}
		return append(list, fl)
	}
	for _, fl := range v.Flows {
		if sv := index[fl.From]; sv != nil {
			sv.OutFlows = merge(sv.OutFlows, fl)
		}
	}
	inFlows := map[string][]Flow{}
	for _, fl := range v.Flows {
		inFlows[fl.To] = merge(inFlows[fl.To], fl)
	}
	for name, flows := range inFlows {
		if sv := index[name]; sv != nil {
			sv.InFlows = flows
		}
	}
}

func (v *View) buildMatrix(res *analyzer.Result, p *decompose.Proposal, owners map[string]decompose.Ownership) {
	col := map[string]int{}
	for i, s := range v.Services {
		col[s.Name] = i
	}
	type acc struct{ r, w bool }
	cells := map[string][]acc{}
	touch := func(table, service string, write bool) {
		i, ok := col[service]
		if !ok {
			return
		}
		if cells[table] == nil {
			cells[table] = make([]acc, len(v.Services))
		}
		if write {
			cells[table][i].w = true
		} else {
			cells[table][i].r = true
		}
	}
	for _, st := range res.SQL {
		s := v.UnitService[st.Unit]
		for _, t := range st.Tables {
			touch(t.Name, s, t.Access.IsWrite())
		}
	}
	for _, o := range p.Ownership {
		for _, r := range o.Readers {
			touch(o.Table, r, false)
		}
		for _, w := range o.Writers {
			touch(o.Table, w, true)
		}
	}
	tables := map[string]bool{}
	for t := range cells {
		tables[t] = true
	}
	for t := range owners {
		tables[t] = true
	}
	var rows []MatrixRow
	for t := range tables {
		o := owners[t]
		row := MatrixRow{Table: t, Owner: o.Owner, Class: o.Class, Cells: make([]MatrixCell, len(v.Services))}
		for i, a := range cells[t] {
			switch {
			case a.r && a.w:
				row.Cells[i].Access = "RW"
			case a.w:
				row.Cells[i].Access = "W"
			case a.r:
				row.Cells[i].Access = "R"
			}
			if row.Cells[i].Access != "" && v.Services[i].Name != o.Owner {
				row.Shared = true
			}
		}
		if i, ok := col[o.Owner]; ok {
			row.Cells[i].Owner = true
		}
		rows = append(rows, row)
	}
	// Grouped by owner (unowned last), then by table.
	sort.Slice(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if (a.Owner == "") != (b.Owner == "") {
			return b.Owner == ""
		}
		if a.Owner != b.Owner {
			return a.Owner < b.Owner
		}
		return a.Table < b.Table
	})
	v.MatrixColumns = v.Services
	if len(v.Services) > v.opts.MaxMatrixServices {
		rows, v.MatrixColumns = v.compactMatrix(rows)
	}
	v.Matrix = capList(rows, v.opts.MaxMatrixRows)
}

// compactMatrix keeps the shared tables and the services with a cell in them.
func (v *View) compactMatrix(rows []MatrixRow) ([]MatrixRow, []*Service) {
	var shared []MatrixRow
	keep := make([]bool, len(v.Services))
	for _, r := range rows {
		if !r.Shared {
			continue
		}
		shared = append(shared, r)
		for i, c := range r.Cells {
			if c.Access != "" || c.Owner {
				keep[i] = true
			}
		}
	}
	var cols []*Service
	for i, s := range v.Services {
		if keep[i] {
			cols = append(cols, s)
		}
	}
	for k, r := range shared {
		var cells []MatrixCell
		for i, c := range r.Cells {
			if keep[i] {
				cells = append(cells, c)
			}
		}
		shared[k].Cells = cells
	}
	v.MatrixNote = fmt.Sprintf("%d services are too many columns: showing the %d of %d tables touched by more than their owner, and the %d services that touch them. Every table is in analysis.json and in each service's canvas.",
		len(v.Services), len(shared), len(rows), len(cols))
	return shared, cols
}

func (v *View) buildSweep(p *decompose.Proposal) {
	cols := map[string]bool{}
	for _, pt := range p.Sweep {
		for k := range pt.Metrics {
			cols[k] = true
		}
	}
	for k := range cols {
		v.Sweep.Columns = append(v.Sweep.Columns, k)
	}
	sort.Strings(v.Sweep.Columns)
	pts := append([]decompose.SweepPoint(nil), p.Sweep...)
	sort.SliceStable(pts, func(i, j int) bool {
		if pts[i].Services != pts[j].Services {
			return pts[i].Services < pts[j].Services
		}
		return pts[i].Resolution < pts[j].Resolution
	})
	for _, pt := range pts {
		row := SweepRow{Services: pt.Services, Resolution: FormatNumber(pt.Resolution), Current: pt.Services == len(p.Services)}
		for _, c := range v.Sweep.Columns {
			if x, ok := pt.Metrics[c]; ok {
				row.Values = append(row.Values, FormatNumber(x))
			} else {
				row.Values = append(row.Values, "")
			}
		}
		v.Sweep.Rows = append(v.Sweep.Rows, row)
	}
	for i, c := range v.Sweep.Columns {
		m := SweepMetric{Name: c}
		for _, row := range v.Sweep.Rows {
			m.Values = append(m.Values, SweepCell{Text: row.Values[i], Current: row.Current})
		}
		v.Sweep.Metrics = append(v.Sweep.Metrics, m)
	}
}

// Service returns the service named name, or nil.
func (v *View) Service(name string) *Service {
	for _, s := range v.Services {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Color returns the fill colour of a service, or the kernel/unknown grey.
func (v *View) Color(service string) string {
	if s := v.Service(service); s != nil {
		return s.Color
	}
	return "#f0f0f0"
}
