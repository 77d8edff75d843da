package decompose

import (
	"fmt"
	"sort"
	"strings"
)

// blockerWeight is how much one finding of each kind adds to a service's entanglement score
// (docs/decompose.md, "Extraction plan").
var blockerWeight = map[FindingKind]float64{
	ForeignWrite: 3, CrossTx: 3, CrossRoutine: 3,
	ForeignRead: 2, CrossJoin: 2,
	CrossFK: 1, CrossCall: 1,
	Unowned: 0,
}

// plan orders the services for extraction, least entangled first:
// score(s) = Σ_{findings f touching s} weight(kind f) + 2·(owned tables others touch) + fan-in(s).
func plan(m *model, a *assignment, p *Proposal) []Step {
	steps := make([]Step, len(p.Services))
	shared := map[string]bool{}
	for _, o := range p.Ownership {
		if o.Class != Owned {
			shared[o.Table] = true
		}
	}
	for s, sv := range p.Services {
		st := Step{Service: sv.Name, Routes: append([]string{}, sv.Routes...), Tables: append([]string{}, sv.Tables...), Blockers: map[FindingKind]int{}}
		for _, f := range p.Findings {
			if f.From == sv.Name || f.To == sv.Name {
				st.Blockers[f.Kind]++
				st.Score += blockerWeight[f.Kind]
			}
		}
		nshared := 0
		for _, t := range sv.Tables {
			if shared[t] {
				nshared++
			}
		}
		st.Score += 2*float64(nshared) + sv.Metrics["fan_in"]
		st.Score = round(st.Score)
		var kinds []string
		for _, k := range sortedKinds(st.Blockers) {
			kinds = append(kinds, fmt.Sprintf("%d %s", st.Blockers[k], k))
		}
		blk := "nothing to fix first"
		if len(kinds) > 0 {
			blk = "fix first: " + strings.Join(kinds, ", ")
		}
		st.Why = fmt.Sprintf("%d routes, %d owned tables (%d shared), used by %d other services; %s",
			len(sv.Routes), len(sv.Tables), nshared, int(sv.Metrics["fan_in"]), blk)
		steps[s] = st
	}
	sort.SliceStable(steps, func(i, j int) bool {
		if steps[i].Score != steps[j].Score {
			return steps[i].Score < steps[j].Score
		}
		return steps[i].Service < steps[j].Service
	})
	for i := range steps {
		steps[i].Order = i + 1
	}
	if steps == nil {
		steps = []Step{}
	}
	return steps
}

func sortedKinds(m map[FindingKind]int) []FindingKind {
	var out []FindingKind
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}
