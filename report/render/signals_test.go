package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer/history"
	"github.com/carve-go/carve/report/internal/sample"
)

// TestHistoryAndTrafficSections: the history/team and traffic sections appear (HTML and
// Markdown) exactly when the analysis has them, with the teams, conflicts, hot spots and the
// measured-from-logs marking.
func TestHistoryAndTrafficSections(t *testing.T) {
	res := sample.Shop()
	var html, md bytes.Buffer
	if err := HTML(&html, Build(res, Options{})); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, Build(res, Options{})); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{`id="history"`, `id="traffic"`, `href="#history"`} {
		if strings.Contains(html.String(), absent) {
			t.Errorf("HTML without history/traffic contains %s", absent)
		}
	}
	if strings.Contains(md.String(), "### Change history") || strings.Contains(md.String(), "### Traffic") {
		t.Errorf("Markdown without history/traffic has their sections")
	}

	res.History = &history.Evaluation{Commits: 42, Huge: 1, ICF: 0.5, ECF: 0.05, REI: 0.1,
		Services:  []history.ServiceHistory{{Name: "orders", Files: 3, Changes: 12, Authors: 2, ICF: 0.5, Teams: []history.TeamShare{{Team: "@shop/checkout", Files: 2}, {Team: "@shop/flash", Files: 1}}}},
		Teams:     []history.TeamServices{{Team: "@shop/checkout", Services: []string{"cart", "orders"}}},
		Conflicts: []string{"service orders is split across teams: @shop/checkout (2 files), @shop/flash (1 files)"},
		Hotspots:  []history.Hotspot{{File: "internal/store/orders.go", Service: "orders", Changes: 9, Coupling: 3, Score: 36}},
		Warnings:  []string{"shallow clone: only 42 commits"}}
	res.Traffic = &history.Traffic{Source: "measured from access logs", Files: []string{"proxy.log"}, Requests: 10, Matched: 8,
		Services: []history.ServiceTraffic{{Service: "timesale", Requests: 6, Share: 0.75}, {Service: "catalog", Requests: 2, Share: 0.25}},
		Routes:   []history.RouteTraffic{{Route: "POST /api/sale/{id}/reserve", Service: "timesale", Requests: 6}}}
	html.Reset()
	md.Reset()
	if err := HTML(&html, Build(res, Options{})); err != nil {
		t.Fatal(err)
	}
	if err := Markdown(&md, Build(res, Options{})); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`id="history"`, `href="#history"`, `id="team-table"`, "@shop/checkout (2), @shop/flash (1)",
		"service orders is split across teams", "internal/store/orders.go", "shallow clone: only 42 commits",
		`id="traffic"`, "measured from access logs", "75 %", "POST /api/sale/{id}/reserve"} {
		if !strings.Contains(html.String(), want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	for _, want := range []string{"### Change history and teams", "42 commits: ICF 0.5, ECF 0.05, REI 0.1", "| `@shop/checkout` | cart, orders |",
		"- conflict: service orders is split", "### Traffic (measured from access logs)", "| timesale | 6 | 75 % |"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md.String())
		}
	}
}
