package decompose

import "github.com/carve-go/carve/analyzer/facts"

// Proposal is carve's answer for one module: the services, who owns each table, everything
// that crosses the boundaries, the metrics and the extraction order. It is produced either by
// clustering (Source "proposed") or by evaluating a user's carve.yaml (Source "carve.yaml").
// All slices are sorted; the same facts and options give byte-identical JSON.
type Proposal struct {
	Source    string             `json:"source"`    // proposed | carve.yaml
	Services  []Service          `json:"services"`  // sorted by name
	Kernel    Kernel             `json:"kernel"`    // shared kernel: used from everywhere, owns no table
	Outliers  []facts.UnitID     `json:"outliers"`  // units with no clear home (reported, assigned nowhere)
	Ownership []Ownership        `json:"ownership"` // one entry per table, sorted by table
	Findings  []Finding          `json:"findings"`  // sorted by kind, pos, from, to
	Metrics   map[string]float64 `json:"metrics"`   // named numbers; formulas in docs/metrics.md
	Plan      []Step             `json:"plan"`      // extraction order, least entangled first
	Sweep     []SweepPoint       `json:"sweep,omitempty"`
	Misfits   []Misfit           `json:"misfits,omitempty"` // assigned units more tied to another service than to their own
}

// Misfit is a unit whose dependencies and data tie it more to another service than to the one
// it is assigned to (CoGCN-style outlier score): a candidate to move or to split.
type Misfit struct {
	Unit    facts.UnitID `json:"unit"`
	Service string       `json:"service"` // where it is
	Closer  string       `json:"closer"`  // the service it is most tied to
	Fit     float64      `json:"fit"`     // share of its tie weight to its own service, 0..1
}

// Service is one proposed (or declared) service.
type Service struct {
	Name     string             `json:"name"`
	Units    []facts.UnitID     `json:"units"`    // every unit assigned to the service, sorted
	Files    []string           `json:"files"`    // files whose units all belong to the service
	Packages []string           `json:"packages"` // package dirs whose units all belong to the service
	Splits   []PackageSplit     `json:"splits,omitempty"`
	Tables   []string           `json:"tables"` // owned tables
	Reads    []string           `json:"reads"`  // tables of other services it reads
	Writes   []string           `json:"writes"` // tables of other services it writes
	Routes   []string           `json:"routes"` // route keys "METHOD /path" whose handler is in the service
	Lines    int                `json:"lines"`
	Metrics  map[string]float64 `json:"metrics,omitempty"`
}

// PackageSplit says which files of a package shared with other services go to this service
// ("internal/store: orders.go, order_items.go").
type PackageSplit struct {
	Package string   `json:"package"`
	Files   []string `json:"files"`
}

// Kernel is the shared kernel: units used by most services that touch no table.
type Kernel struct {
	Units    []facts.UnitID `json:"units"`
	Packages []string       `json:"packages"`
}

// Ownership classes.
const (
	Owned       = "owned"        // only the owner touches it
	SharedRead  = "shared-read"  // others read it
	SharedWrite = "shared-write" // others write it
)

// Ownership is the owner of one table and who else touches it.
type Ownership struct {
	Table   string   `json:"table"`
	Owner   string   `json:"owner"` // service name; "" when nobody could be assigned
	Class   string   `json:"class"` // owned | shared-read | shared-write
	Readers []string `json:"readers,omitempty"`
	Writers []string `json:"writers,omitempty"`
}

// FindingKind is the kind of a cross-boundary coupling.
type FindingKind string

// Finding kinds.
const (
	CrossCall    FindingKind = "cross-call"    // in-process call across a boundary → API
	ForeignRead  FindingKind = "foreign-read"  // reads another service's table → API or replicated read model
	ForeignWrite FindingKind = "foreign-write" // writes another service's table → owner's API
	CrossJoin    FindingKind = "cross-join"    // joins tables of several services → API composition / CQRS view
	CrossFK      FindingKind = "cross-fk"      // foreign key between services' tables → drop FK, keep ID, reconcile
	CrossTx      FindingKind = "cross-tx"      // transaction writes several services' tables → saga or outbox
	CrossRoutine FindingKind = "cross-routine" // stored routine touches several services' tables → move logic into a service
	Unowned      FindingKind = "unowned-table" // table no service owns
)

// Finding is one cross-boundary coupling with its evidence.
type Finding struct {
	Kind     FindingKind  `json:"kind"`
	Pos      facts.Pos    `json:"pos"`
	From     string       `json:"from"`                // service where the coupling originates
	To       string       `json:"to,omitempty"`        // service it reaches (owner of the table, callee's service)
	FromUnit facts.UnitID `json:"from_unit,omitempty"` // unit that calls / issues the statement
	ToUnit   facts.UnitID `json:"to_unit,omitempty"`   // callee unit (cross-call)
	Tables   []string     `json:"tables,omitempty"`    // tables involved
	Detail   string       `json:"detail"`              // one line for people
	Remedy   string       `json:"remedy"`
}

// Step is one step of the extraction plan.
type Step struct {
	Order    int                 `json:"order"`
	Service  string              `json:"service"`
	Routes   []string            `json:"routes"`   // routes to move to the new service
	Tables   []string            `json:"tables"`   // tables to move
	Blockers map[FindingKind]int `json:"blockers"` // findings to resolve first, by kind
	Score    float64             `json:"score"`    // entanglement (lower = easier), formula in docs
	Why      string              `json:"why"`
}

// SweepPoint is the metric panel for one granularity.
type SweepPoint struct {
	Services   int                `json:"services"`
	Resolution float64            `json:"resolution"`
	Metrics    map[string]float64 `json:"metrics"`
}
