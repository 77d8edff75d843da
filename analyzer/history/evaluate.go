package history

import (
	"sort"
	"strconv"
	"strings"
)

// Evaluation measures a service assignment against the history and team signals.
type Evaluation struct {
	Commits int     `json:"commits"`
	Huge    int     `json:"huge_commits_skipped"`
	Shallow bool    `json:"shallow,omitempty"`
	ICF     float64 `json:"icf"` // internal co-change frequency (higher = services change as units)
	ECF     float64 `json:"ecf"` // external co-change frequency (lower = services change independently)
	REI     float64 `json:"rei"` // ECF / ICF (lower = better); 0 when ICF is 0
	// Services gives per service its change count, authors and owning teams.
	Services []ServiceHistory `json:"services"`
	// Teams gives per team (CODEOWNERS owner) the services it would own.
	Teams []TeamServices `json:"teams,omitempty"`
	// Conflicts are the places where the proposal fights the team structure.
	Conflicts []string  `json:"conflicts,omitempty"`
	Hotspots  []Hotspot `json:"hotspots"`
	Warnings  []string  `json:"warnings,omitempty"`
}

// ServiceHistory is the history of one service's files.
type ServiceHistory struct {
	Name    string      `json:"name"`
	Files   int         `json:"files"`
	Changes int         `json:"changes"` // sum of file change counts
	Authors int         `json:"authors"` // distinct authors of its files
	ICF     float64     `json:"icf"`
	ECF     float64     `json:"ecf"`
	Teams   []TeamShare `json:"teams,omitempty"` // owning teams by number of files, largest first
}

// TeamShare is how many of a service's files a team owns.
type TeamShare struct {
	Team  string `json:"team"`
	Files int    `json:"files"`
}

// TeamServices lists the services a team owns files of.
type TeamServices struct {
	Team     string   `json:"team"`
	Services []string `json:"services"`
}

// Hotspot is a file that changes often and couples services: carve it early (to stop the churn
// crossing boundaries) or last (when it is the riskiest).
type Hotspot struct {
	File     string  `json:"file"`
	Service  string  `json:"service,omitempty"`
	Changes  int     `json:"changes"`
	Coupling int     `json:"coupling"` // cross-service findings located in the file
	Score    float64 `json:"score"`    // changes × (1 + coupling)
}

// Evaluate scores an assignment of files to services. fileService maps each file (relative to
// the module root) to its service; files not in it are ignored. coupling counts cross-service
// findings per file (may be nil). owners may be nil.
//
// For a service s with n_s files out of N assigned files, and co-change counts cc:
//
//	ICF(s) = Σ_{f<g ∈ s} cc(f,g) / C(n_s, 2)        ECF(s) = Σ_{f ∈ s, g ∉ s} cc(f,g) / (n_s·(N−n_s))
//	ICF = mean_s ICF(s) over services with n_s ≥ 2;  ECF = mean_s ECF(s);  REI = ECF / ICF.
func Evaluate(l *Log, sig *Signals, owners *Codeowners, fileService map[string]string, coupling map[string]int) *Evaluation {
	e := &Evaluation{Commits: len(l.Commits), Huge: l.Huge, Shallow: l.Shallow, Warnings: l.Warnings, Hotspots: []Hotspot{}}
	size := map[string]int{}
	for _, s := range fileService {
		size[s]++
	}
	total := len(fileService)
	within, cross := map[string]int{}, map[string]int{}
	for p, n := range sig.CoChange {
		sa, oka := fileService[p.A]
		sb, okb := fileService[p.B]
		if !oka || !okb {
			continue
		}
		if sa == sb {
			within[sa] += n
		} else {
			cross[sa] += n
			cross[sb] += n
		}
	}
	var names []string
	for s := range size {
		names = append(names, s)
	}
	sort.Strings(names)
	var icfSum, ecfSum float64
	var icfN, ecfN int
	teamSvcs := map[string]map[string]bool{}
	for _, s := range names {
		n := size[s]
		sh := ServiceHistory{Name: s, Files: n}
		if n >= 2 {
			sh.ICF = float64(within[s]) / float64(n*(n-1)/2)
			icfSum += sh.ICF
			icfN++
		}
		if total-n > 0 {
			sh.ECF = float64(cross[s]) / float64(n*(total-n))
			ecfSum += sh.ECF
			ecfN++
		}
		authors := map[string]bool{}
		teams := map[string]int{}
		for f, fs := range fileService {
			if fs != s {
				continue
			}
			sh.Changes += sig.Changes[f]
			for _, a := range sig.Authors[f] {
				authors[a] = true
			}
			for _, t := range owners.Owners(f) {
				teams[t]++
				if teamSvcs[t] == nil {
					teamSvcs[t] = map[string]bool{}
				}
				teamSvcs[t][s] = true
			}
		}
		sh.Authors = len(authors)
		for t, k := range teams {
			sh.Teams = append(sh.Teams, TeamShare{t, k})
		}
		sort.Slice(sh.Teams, func(i, j int) bool {
			if sh.Teams[i].Files != sh.Teams[j].Files {
				return sh.Teams[i].Files > sh.Teams[j].Files
			}
			return sh.Teams[i].Team < sh.Teams[j].Team
		})
		if len(sh.Teams) > 1 {
			e.Conflicts = append(e.Conflicts, conflictLine(sh))
		}
		e.Services = append(e.Services, sh)
	}
	if icfN > 0 {
		e.ICF = icfSum / float64(icfN)
	}
	if ecfN > 0 {
		e.ECF = ecfSum / float64(ecfN)
	}
	if e.ICF > 0 {
		e.REI = e.ECF / e.ICF
	}
	var teams []string
	for t := range teamSvcs {
		teams = append(teams, t)
	}
	sort.Strings(teams)
	for _, t := range teams {
		var svcs []string
		for s := range teamSvcs[t] {
			svcs = append(svcs, s)
		}
		sort.Strings(svcs)
		e.Teams = append(e.Teams, TeamServices{Team: t, Services: svcs})
		if len(svcs) > 1 {
			e.Conflicts = append(e.Conflicts, t+" owns code in "+strconv.Itoa(len(svcs))+" services: "+strings.Join(svcs, ", "))
		}
	}
	for f, n := range sig.Changes {
		s, ok := fileService[f]
		if !ok {
			continue
		}
		c := coupling[f]
		e.Hotspots = append(e.Hotspots, Hotspot{File: f, Service: s, Changes: n, Coupling: c, Score: float64(n) * float64(1+c)})
	}
	sort.Slice(e.Hotspots, func(i, j int) bool {
		a, b := e.Hotspots[i], e.Hotspots[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.File < b.File
	})
	if len(e.Hotspots) > 20 {
		e.Hotspots = e.Hotspots[:20]
	}
	return e
}

func conflictLine(sh ServiceHistory) string {
	var ts []string
	for _, t := range sh.Teams {
		ts = append(ts, t.Team+" ("+strconv.Itoa(t.Files)+" files)")
	}
	return "service " + sh.Name + " is split across teams: " + strings.Join(ts, ", ")
}
