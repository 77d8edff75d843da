package decompose

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
)

// WriteSpec renders p as a commented carve.yaml version 1 (docs/carve-yaml.md) that
// spec.Parse accepts and that Evaluate maps back to the same assignment: a package whose units
// all go to one service is listed under packages, a file whose units all go to one service under
// files, and the units of files shared between services one by one under units. Owned tables
// and the shared kernel are written the same way; outliers are left out (they stay unassigned).
func WriteSpec(p *Proposal, f *facts.Facts) []byte {
	var b bytes.Buffer
	b.WriteString("# carve.yaml: service boundaries (docs/carve-yaml.md).\n")
	fmt.Fprintf(&b, "# Written by carve from its %s decomposition: services %d, shared-kernel units %d, outliers %d.\n",
		p.Source, len(p.Services), len(p.Kernel.Units), len(p.Outliers))
	b.WriteString("# Edit freely: move files or units between services, rename services, add allow entries;\n")
	b.WriteString("# carve analyze evaluates this file instead of proposing when it is present.\n")
	b.WriteString("version: 1\n")
	if f != nil && (f.Dialect == "postgres" || f.Dialect == "mysql") {
		fmt.Fprintf(&b, "dialect: %s\n", f.Dialect)
	}

	where := map[facts.UnitID]string{} // unit → service name, "" for kernel
	for _, s := range p.Services {
		for _, u := range s.Units {
			where[u] = s.Name
		}
	}
	kernel := map[facts.UnitID]bool{}
	for _, u := range p.Kernel.Units {
		kernel[u] = true
		where[u] = ""
	}
	// Group the fact units by package and file; a unit missing from the proposal (outlier)
	// makes its file and package mixed.
	key := func(id facts.UnitID) string {
		if s, ok := where[id]; ok {
			if s == "" && kernel[id] {
				return "\x00"
			}
			return s
		}
		return "\x01"
	}
	pkgs := map[string]map[string]bool{}
	files := map[string]map[string]bool{}
	var units []facts.Unit
	if f != nil {
		units = f.Units
	}
	for _, u := range units {
		k := key(u.ID)
		if pkgs[u.Package] == nil {
			pkgs[u.Package] = map[string]bool{}
		}
		pkgs[u.Package][k] = true
		if files[u.File()] == nil {
			files[u.File()] = map[string]bool{}
		}
		files[u.File()][k] = true
	}
	sel := map[string]*selectors{}
	get := func(k string) *selectors {
		if sel[k] == nil {
			sel[k] = &selectors{}
		}
		return sel[k]
	}
	for _, pk := range sortedKeys(pkgs) {
		if len(pkgs[pk]) == 1 && pk != "" {
			for k := range pkgs[pk] {
				get(k).packages = append(get(k).packages, pk)
			}
		}
	}
	for _, u := range sortedUnits(units) {
		k := key(u.ID)
		switch {
		case len(pkgs[u.Package]) == 1 && u.Package != "":
		case len(files[u.File()]) == 1 && u.File() != "":
			s := get(k)
			if len(s.files) == 0 || s.files[len(s.files)-1] != u.File() {
				s.files = append(s.files, u.File())
			}
		default:
			get(k).units = append(get(k).units, string(u.ID))
		}
	}
	for _, s := range sel {
		s.files = uniqSorted(s.files)
	}

	b.WriteString("services:\n")
	for _, s := range p.Services {
		fmt.Fprintf(&b, "  %s:\n", s.Name)
		fmt.Fprintf(&b, "    # %d units, %d lines, %d routes", len(s.Units), s.Lines, len(s.Routes))
		if len(s.Routes) > 0 {
			r := s.Routes
			more := ""
			if len(r) > 4 {
				r, more = r[:4], fmt.Sprintf(" and %d more", len(s.Routes)-4)
			}
			fmt.Fprintf(&b, ": %s%s", strings.Join(r, ", "), more)
		}
		b.WriteString("\n")
		for _, sp := range s.Splits {
			fmt.Fprintf(&b, "    # split of %s: %s\n", sp.Package, strings.Join(sp.Files, ", "))
		}
		sl := get(s.Name)
		writeList(&b, "    ", "packages", sl.packages)
		writeList(&b, "    ", "files", escapeGlobs(sl.files))
		writeList(&b, "    ", "units", sl.units)
		writeList(&b, "    ", "tables", s.Tables)
	}
	k := get("\x00")
	if len(k.packages)+len(k.files)+len(k.units) > 0 {
		b.WriteString("shared_kernel:\n")
		b.WriteString("  # used by most services, touches no table: a library every service may import\n")
		writeList(&b, "  ", "packages", k.packages)
		writeList(&b, "  ", "files", escapeGlobs(k.files))
		writeList(&b, "  ", "units", k.units)
	}
	if o := get("\x01"); len(o.units)+len(o.files)+len(o.packages) > 0 {
		b.WriteString("# Outliers (no clear home; left unassigned):\n")
		for _, u := range p.Outliers {
			fmt.Fprintf(&b, "#   %s\n", u)
		}
	}
	return b.Bytes()
}

type selectors struct{ packages, files, units []string }

func sortedUnits(us []facts.Unit) []facts.Unit {
	out := append([]facts.Unit(nil), us...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func writeList(b *bytes.Buffer, indent, key string, items []string) {
	if len(items) == 0 {
		return
	}
	fmt.Fprintf(b, "%s%s:\n", indent, key)
	for _, it := range items {
		q, _ := json.Marshal(it) // a JSON string is a valid YAML double-quoted scalar
		fmt.Fprintf(b, "%s  - %s\n", indent, q)
	}
}

// escapeGlobs escapes path.Match metacharacters so each file glob matches only its file.
func escapeGlobs(files []string) []string {
	out := make([]string, len(files))
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	for i, f := range files {
		out[i] = r.Replace(f)
	}
	return out
}
