// Package routes finds the HTTP route registrations of a loaded module: net/http ServeMux
// (Go 1.22 patterns), github.com/go-chi/chi (v5 and older import paths), github.com/gorilla/mux,
// github.com/gin-gonic/gin and github.com/labstack/echo. Each registration becomes a
// facts.Route with its method, its full path (every prefix from groups, subrouters and mounts),
// the unit of its handler and its position.
//
// Router values are tracked without SSA: a flow-insensitive points-to analysis over go/types
// follows router values through local variables, struct fields, package variables, function
// parameters (at every static call site in the module), function results, the callbacks of
// chi Route/Group, method values of registration methods (h := g.Handle; h(m, p, f)), and
// module-local interfaces a router satisfies. Each router value is an abstract object created at
// a constructor call (any router-package function returning a router: chi.NewRouter,
// mux.NewRouter, gin.New, echo.NewWithConfig, http.NewServeMux, ...) or derived from a
// parent (chi Route/Group/With, gorilla PathPrefix(...).Subrouter(), gin/echo Group) with the
// prefix the derivation adds; mounts (chi Mount, ServeMux.Handle with a sub-mux, optionally
// wrapped in http.StripPrefix or middleware) link a router to the router it is mounted on.
// A route's full paths are its leaf path joined with the prefixes of every chain from its router
// to a root router.
//
// Extract only reads the Program; it is safe to call concurrently on the same Program.
package routes

import (
	"fmt"
	"go/types"
	"sort"
	"strings"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/analyzer/load"
)

// Unknown is the placeholder put in a path for a part whose value is not known statically
// (a non-constant path or prefix). Every route holding it has a facts.Skipped entry saying why.
const Unknown = "{?}"

// Extract returns every HTTP route registration in the packages of prog, sorted by position,
// then method, then path, and the registrations it could only partly understand (a path or
// method that is not constant, a router whose origin was not found), each with a reason. A
// registration is never dropped: an unknown part of a path is written as Unknown.
func Extract(prog *load.Program) ([]facts.Route, []facts.Skipped) {
	a := newAnalyzer(prog)
	a.solve()
	regs := a.collect()
	return a.expand(regs)
}

// expand turns registrations into routes: one per method, per router object the receiver may
// hold, per full path of that object.
func (a *analyzer) expand(regs []*registration) ([]facts.Route, []facts.Skipped) {
	type key struct {
		pos          facts.Pos
		method, path string
	}
	seen := map[key]bool{}
	var out []facts.Route
	skipSeen := map[facts.Skipped]bool{}
	var skipped []facts.Skipped
	skip := func(what, reason string) {
		s := facts.Skipped{What: what, Reason: reason}
		if !skipSeen[s] {
			skipSeen[s] = true
			skipped = append(skipped, s)
		}
	}
	for _, r := range regs {
		pos := a.prog.Pos(r.pos)
		for _, reason := range r.reasons {
			skip(pos.String(), reason)
		}
		for _, obj := range r.recv {
			paths, unknownRoot := a.fullPaths(obj, r.path)
			if unknownRoot != nil && !topLevel(unknownRoot.typ) {
				skip(pos.String(), fmt.Sprintf("routes: the %s router this route is registered on was not traced to where it is created (%s); its path may lack a prefix", r.router, a.prog.Pos(unknownRoot.site)))
			}
			for _, p := range paths {
				if strings.Contains(p, Unknown) && len(r.reasons) == 0 {
					skip(pos.String(), "routes: a prefix of this route is not a constant")
				}
				for _, m := range r.methods {
					k := key{pos, m, p}
					if seen[k] {
						continue
					}
					seen[k] = true
					out = append(out, facts.Route{Method: m, Path: p, Handler: facts.UnitID(r.handler), Pos: pos, Router: r.router})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Pos != y.Pos {
			return x.Pos.Less(y.Pos)
		}
		if x.Method != y.Method {
			return x.Method < y.Method
		}
		return x.Path < y.Path
	})
	sort.Slice(skipped, func(i, j int) bool {
		if skipped[i].What != skipped[j].What {
			return lessPos(skipped[i].What, skipped[j].What)
		}
		return skipped[i].Reason < skipped[j].Reason
	})
	return out, skipped
}

// topLevel reports whether t is a router type that is always the top of its tree (*echo.Echo,
// *gin.Engine): a value of it whose creation was not found still lacks no prefix.
func topLevel(t types.Type) bool {
	n := load.Named(t)
	if n == nil {
		return false
	}
	switch routerOf(pkgPath(n.Obj())) + "." + n.Obj().Name() {
	case echo + ".Echo", gin + ".Engine":
		return true
	}
	return false
}

// lessPos orders "file:line" strings by file, then numerically by line.
func lessPos(a, b string) bool {
	var pa, pb facts.Pos
	if pa.UnmarshalText([]byte(a)) != nil || pb.UnmarshalText([]byte(b)) != nil {
		return a < b
	}
	if pa == pb {
		return false
	}
	return pa.Less(pb)
}

// maxPaths bounds the full paths one router object can have (a router mounted in many places).
const maxPaths = 64

// maxSteps bounds the walk over the mounts of one router object.
const maxSteps = 10000

// fullPaths returns the full paths of leaf registered on obj, and the first root object of
// unknown origin met on the way (nil if none).
func (a *analyzer) fullPaths(obj *object, leaf string) ([]string, *object) {
	var out []string
	var unknown *object
	seen := map[string]bool{}
	steps := 0
	var walk func(o *object, p string, depth int)
	walk = func(o *object, p string, depth int) {
		steps++
		if len(out) >= maxPaths || steps > maxSteps {
			return
		}
		if len(o.parents) == 0 || depth > 32 {
			if o.unknown && unknown == nil {
				unknown = o
			}
			p = cleanPath(p)
			if !seen[p] {
				seen[p] = true
				out = append(out, p)
			}
			return
		}
		for _, e := range o.parents {
			walk(e.parent, e.apply(p), depth+1)
		}
	}
	walk(obj, leaf, 0)
	sort.Strings(out)
	return out, unknown
}
