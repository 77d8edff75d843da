package render

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/report/internal/sample"
)

// FuzzRender feeds arbitrary analysis documents through every renderer. Property: whatever a
// decodable document claims (unknown or duplicate services, odd positions, paths climbing
// out of the source root, missing parts, extreme numbers), Build, Graphs, HTML and Markdown
// do not panic and do not fail. (It lives here rather than in package report, whose
// go-graphviz import makes each coverage-instrumented fuzz worker start very slowly.)
func FuzzRender(f *testing.F) {
	shop, err := json.Marshal(sample.Shop())
	if err != nil {
		f.Fatal(err)
	}
	f.Add(shop)
	f.Add([]byte(`{"schema_version": 1}`))
	f.Add([]byte(`{"schema_version": 1, "services": [{"name": "a"}, {"name": "a"}], "findings": [{"kind": "x", "from": "b", "to": "a", "pos": "../../etc/passwd:-3"}]}`))
	f.Add([]byte(`{"schema_version": 1, "ownership": [{"table": "t", "readers": ["nobody"]}], "sql": [{"unit": "u", "tables": [{"name": "t", "access": "delete"}]}], "sweep": [{"services": 3, "metrics": {"m": 1e308}}]}`))
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, doc []byte) {
		var res analyzer.Result
		if err := json.Unmarshal(doc, &res); err != nil {
			return
		}
		v := Build(&res, Options{SourceRoot: root})
		v.Graphs = Graphs(v)
		if err := HTML(io.Discard, v); err != nil {
			t.Errorf("HTML: %v", err)
		}
		var md bytes.Buffer
		if err := Markdown(&md, v); err != nil {
			t.Errorf("Markdown: %v", err)
		}
	})
}
