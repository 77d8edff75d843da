// Package boundary is carve's CI gate: it turns the findings of a carve.yaml evaluation into
// violations keyed by what crosses (kind, from unit, to unit or table — never line numbers),
// compares them with a baseline of accepted debt (Shopify Packwerk's package_todo.yml is the
// model: the baseline only shrinks, fixed debt shows up as stale entries), honours inline
// `//carve:allow <kind> <reason>` suppressions, and prints the result as text, JSON, SARIF
// 2.1.0, GitHub workflow annotations or Markdown. Its functions are pure apart from the file
// reads they name; they are safe for concurrent use on different inputs.
package boundary

import (
	"fmt"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/decompose"
	"github.com/carve-go/carve/analyzer/facts"
)

// Kind is a violation kind; each is one SARIF rule.
type Kind string

// Violation kinds.
const (
	Dependency   Kind = "dependency"    // code of one service calls code of another outside the allowances
	ForeignRead  Kind = "foreign-read"  // reads a table another service owns
	ForeignWrite Kind = "foreign-write" // writes a table another service owns
	CrossJoin    Kind = "cross-join"    // joins tables of several services in one statement
	CrossTx      Kind = "cross-tx"      // one transaction writes tables of several services
	CrossFK      Kind = "cross-fk"      // foreign key between tables of different services
	CrossRoutine Kind = "cross-routine" // stored routine touching several services' tables
	Unowned      Kind = "unowned-table" // a table no service owns
)

// Kinds lists every kind with a one-line description, in a stable order (SARIF rules).
var Kinds = []struct {
	Kind Kind
	Desc string
}{
	{Dependency, "Code of one service depends on code of another service outside carve.yaml's allowances."},
	{ForeignRead, "A service reads a table another service owns."},
	{ForeignWrite, "A service writes a table another service owns."},
	{CrossJoin, "One statement joins tables owned by different services."},
	{CrossTx, "One transaction writes tables owned by different services."},
	{CrossFK, "A foreign key links tables owned by different services."},
	{CrossRoutine, "A stored procedure or function touches tables of several services."},
	{Unowned, "A table is owned by no service in carve.yaml."},
}

var findingKind = map[decompose.FindingKind]Kind{
	decompose.CrossCall:    Dependency,
	decompose.ForeignRead:  ForeignRead,
	decompose.ForeignWrite: ForeignWrite,
	decompose.CrossJoin:    CrossJoin,
	decompose.CrossTx:      CrossTx,
	decompose.CrossFK:      CrossFK,
	decompose.CrossRoutine: CrossRoutine,
	decompose.Unowned:      Unowned,
}

// ParseKind returns the kind named s.
func ParseKind(s string) (Kind, bool) {
	for _, k := range Kinds {
		if string(k.Kind) == s {
			return k.Kind, true
		}
	}
	return "", false
}

// Violation is one boundary crossing found in the code.
type Violation struct {
	Kind        Kind      `json:"kind"`
	Pos         facts.Pos `json:"pos"`
	From        string    `json:"from"` // unit (or table for cross-fk, "" for unowned-table)
	To          string    `json:"to"`   // unit or table(s)
	FromService string    `json:"from_service,omitempty"`
	ToService   string    `json:"to_service,omitempty"`
	Message     string    `json:"message"`
	Remedy      string    `json:"remedy,omitempty"`
}

// Key identifies a violation across edits: no line numbers.
type Key struct {
	Kind Kind   `json:"kind"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Key returns the violation's baseline key.
func (v Violation) Key() Key { return Key{v.Kind, v.From, v.To} }

func (k Key) less(o Key) bool {
	if k.Kind != o.Kind {
		return k.Kind < o.Kind
	}
	if k.From != o.From {
		return k.From < o.From
	}
	return k.To < o.To
}

// Violations converts the findings of a proposal (normally decompose.Evaluate of a carve.yaml)
// into violations, sorted by position, kind and key. Findings whose kind has no violation kind
// are ignored.
func Violations(p *decompose.Proposal) []Violation {
	if p == nil {
		return nil
	}
	var out []Violation
	for _, f := range p.Findings {
		k, ok := findingKind[f.Kind]
		if !ok {
			continue
		}
		v := Violation{Kind: k, Pos: f.Pos, FromService: f.From, ToService: f.To, Message: f.Detail, Remedy: f.Remedy}
		tables := strings.Join(f.Tables, ",")
		switch k {
		case Dependency:
			v.From, v.To = string(f.FromUnit), string(f.ToUnit)
		case CrossFK:
			if len(f.Tables) == 2 {
				v.From, v.To = f.Tables[0], f.Tables[1]
			} else {
				v.To = tables
			}
		case Unowned:
			v.To = tables
		default:
			v.From, v.To = string(f.FromUnit), tables
		}
		if v.Message == "" {
			v.Message = fmt.Sprintf("%s from %s to %s", k, orDash(v.FromService), orDash(v.ToService))
		}
		out = append(out, v)
	}
	sortViolations(out)
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func sortViolations(vs []Violation) {
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if a.Pos != b.Pos {
			return a.Pos.Less(b.Pos)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Key().less(b.Key())
	})
}
