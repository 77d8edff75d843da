package report

import "flag"

// update is accepted so that `go test ./report/... -update` (which refreshes the goldens of
// report/render) also runs here; this package has no golden files.
var _ = flag.Bool("update", false, "accepted for go test ./report/... -update; no goldens here")
