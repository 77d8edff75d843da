package boundary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sort"
)

// BaselineVersion is the version of the baseline file format.
const BaselineVersion = 1

// Entry is one accepted violation key with how many occurrences are accepted.
type Entry struct {
	Key
	Count int `json:"count"`
}

// Baseline is accepted existing debt (carve.baseline.json). Entries are sorted by key.
type Baseline struct {
	Version int     `json:"version"`
	Note    string  `json:"note,omitempty"`
	Entries []Entry `json:"entries"`
}

// NewBaseline records every violation of vs.
func NewBaseline(vs []Violation) *Baseline {
	counts := map[Key]int{}
	for _, v := range vs {
		counts[v.Key()]++
	}
	b := &Baseline{Version: BaselineVersion, Note: "Accepted cross-service coupling. Written by carve check --update-baseline; it should only shrink.", Entries: []Entry{}}
	for k, n := range counts {
		b.Entries = append(b.Entries, Entry{Key: k, Count: n})
	}
	sort.Slice(b.Entries, func(i, j int) bool { return b.Entries[i].Key.less(b.Entries[j].Key) })
	return b
}

// LoadBaseline reads a baseline file. A missing file is an empty baseline and exists is false.
func LoadBaseline(path string) (b *Baseline, exists bool, err error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return &Baseline{Version: BaselineVersion}, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("load baseline: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	b = &Baseline{}
	if err := dec.Decode(b); err != nil {
		return nil, true, fmt.Errorf("load baseline %s: %v", path, err)
	}
	if b.Version != BaselineVersion {
		return nil, true, fmt.Errorf("load baseline %s: version %d, want %d", path, b.Version, BaselineVersion)
	}
	for i, e := range b.Entries {
		if _, ok := ParseKind(string(e.Kind)); !ok || e.Count < 1 {
			return nil, true, fmt.Errorf("load baseline %s: entry %d: unknown kind %q or count < 1", path, i+1, e.Kind)
		}
	}
	return b, true, nil
}

// Marshal returns the baseline as indented JSON with a final newline.
func (b *Baseline) Marshal() []byte {
	data, _ := json.MarshalIndent(b, "", "  ")
	return append(data, '\n')
}
