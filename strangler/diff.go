package strangler

import (
	"bytes"
	"encoding/json"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// observation is one response seen by the comparator.
type observation struct {
	status int
	header http.Header
	body   []byte
}

// DiffReport is the shadow comparison summary of one route (admin API JSON).
type DiffReport struct {
	Route string `json:"route"`
	// Compared counts candidate responses compared with the primary.
	Compared int64 `json:"compared"`
	// Matched counts identical responses (after Ignore rules).
	Matched int64 `json:"matched"`
	// NoiseOnly counts responses that differed only in fields the primary itself varies in.
	NoiseOnly int64 `json:"noise_only"`
	// Different counts responses with at least one difference that is not noise.
	Different int64 `json:"different"`
	// Failed counts shadow requests that got no response.
	Failed int64 `json:"failed"`
	// NoisyFields are the fields learned as noise (primary vs second primary), sorted.
	NoisyFields []string `json:"noisy_fields"`
	// Fields are the differing fields, most frequent real difference first.
	Fields []FieldDiff `json:"fields"`
}

// FieldDiff counts differences of one field. Field is a flattened JSON path with indices
// written [*] ("items[*].price"), or "status", "body" (non-JSON bodies), "header.Content-Type".
type FieldDiff struct {
	Field         string `json:"field"`
	Raw           int64  `json:"raw"`   // primary vs candidate
	Noise         int64  `json:"noise"` // primary vs second primary
	Noisy         bool   `json:"noisy"`
	LastPrimary   string `json:"last_primary,omitempty"`
	LastCandidate string `json:"last_candidate,omitempty"`
}

type routeDiff struct {
	r      DiffReport
	noisy  map[string]bool
	fields map[string]*FieldDiff
}

// diffStore keeps comparison results per route name; it survives reloads.
type diffStore struct {
	mu     sync.Mutex
	routes map[string]*routeDiff
}

func newDiffStore() *diffStore { return &diffStore{routes: map[string]*routeDiff{}} }

func (d *diffStore) get(route string) *routeDiff {
	rd := d.routes[route]
	if rd == nil {
		rd = &routeDiff{r: DiffReport{Route: route}, noisy: map[string]bool{}, fields: map[string]*FieldDiff{}}
		d.routes[route] = rd
	}
	return rd
}

func (d *diffStore) failed(route string) {
	d.mu.Lock()
	d.get(route).r.Failed++
	d.mu.Unlock()
}

const maxDiffFields = 1000

// record compares candidate with primary, learns noise from the second primary sample sec
// (may be nil), and returns "match", "noise" or "diff".
func (d *diffStore) record(route string, ignore []string, primary, cand observation, sec *observation) string {
	pf, cf := flatten(primary), flatten(cand)
	raw := differing(pf, cf)
	var noise []string
	if sec != nil {
		noise = differing(pf, flatten(*sec))
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	rd := d.get(route)
	rd.r.Compared++
	for _, k := range noise {
		rd.noisy[k] = true
		if f := rd.field(k); f != nil {
			f.Noise++
			f.Noisy = true
		}
	}
	real := 0
	for _, k := range raw {
		if ignored(k, ignore) {
			continue
		}
		if f := rd.field(k); f != nil {
			f.Raw++
			f.LastPrimary, f.LastCandidate = clip(pf[k]), clip(cf[k])
		}
		if !rd.noisy[k] {
			real++
		}
	}
	switch {
	case real > 0:
		rd.r.Different++
		return "diff"
	case len(raw) > 0 && !allIgnored(raw, ignore):
		rd.r.NoiseOnly++
		return "noise"
	default:
		rd.r.Matched++
		return "match"
	}
}

func (rd *routeDiff) field(k string) *FieldDiff {
	f := rd.fields[k]
	if f == nil {
		if len(rd.fields) >= maxDiffFields {
			return nil
		}
		f = &FieldDiff{Field: k}
		rd.fields[k] = f
	}
	return f
}

func allIgnored(keys, ignore []string) bool {
	for _, k := range keys {
		if !ignored(k, ignore) {
			return false
		}
	}
	return true
}

func ignored(k string, ignore []string) bool {
	for _, p := range ignore {
		if k == p {
			return true
		}
		if ok, _ := path.Match(p, k); ok {
			return true
		}
		if strings.HasPrefix(k, p+".") || strings.HasPrefix(k, p+"[") {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// report returns a copy of the route's report with sorted fields.
func (d *diffStore) report(route string) DiffReport {
	d.mu.Lock()
	defer d.mu.Unlock()
	rd, ok := d.routes[route]
	if !ok {
		return DiffReport{Route: route, NoisyFields: []string{}, Fields: []FieldDiff{}}
	}
	r := rd.r
	r.NoisyFields = make([]string, 0, len(rd.noisy))
	for k := range rd.noisy {
		r.NoisyFields = append(r.NoisyFields, k)
	}
	sort.Strings(r.NoisyFields)
	r.Fields = make([]FieldDiff, 0, len(rd.fields))
	for _, f := range rd.fields {
		r.Fields = append(r.Fields, *f)
	}
	sort.Slice(r.Fields, func(i, j int) bool {
		a, b := r.Fields[i], r.Fields[j]
		if a.Noisy != b.Noisy {
			return !a.Noisy
		}
		if a.Raw != b.Raw {
			return a.Raw > b.Raw
		}
		return a.Field < b.Field
	})
	return r
}

// flatten turns a response into comparable fields: status, Content-Type, and the JSON body
// flattened to paths with indices written [*] (so noise learned on one element applies to
// all), values as compact JSON; several values under one wildcard path are kept in order.
func flatten(o observation) map[string]string {
	m := map[string]string{"status": strconv.Itoa(o.status)}
	if o.header != nil {
		if ct := o.header.Get("Content-Type"); ct != "" {
			m["header.Content-Type"] = ct
		}
	}
	if len(bytes.TrimSpace(o.body)) == 0 {
		return m
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(o.body))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil || dec.More() {
		m["body"] = string(o.body)
		return m
	}
	walkJSON(v, "", m)
	return m
}

func walkJSON(v any, p string, m map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			m[orRoot(p)] = "{}"
		}
		for k, c := range x {
			q := k
			if p != "" {
				q = p + "." + k
			}
			walkJSON(c, q, m)
		}
	case []any:
		if len(x) == 0 {
			m[orRoot(p)+"[*]"] = "[]"
		}
		m[orRoot(p)+".length"] = strconv.Itoa(len(x))
		for _, c := range x {
			walkJSON(c, orRoot(p)+"[*]", m)
		}
	default:
		b, _ := json.Marshal(x)
		if old, ok := m[orRoot(p)]; ok {
			m[orRoot(p)] = old + "," + string(b)
		} else {
			m[orRoot(p)] = string(b)
		}
	}
}

func orRoot(p string) string {
	if p == "" {
		return "$"
	}
	return p
}

// differing returns the sorted keys whose values differ or exist on one side only.
func differing(a, b map[string]string) []string {
	var out []string
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			out = append(out, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
