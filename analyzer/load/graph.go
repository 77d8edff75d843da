package load

import (
	"bytes"
	"go/ast"
	"go/token"
	"go/types"
	"os"
	"sort"

	"golang.org/x/tools/go/packages"

	"github.com/carve-go/carve/analyzer/facts"
)

// Graph extracts the packages, units and edges of the program.
//
// Units are package-level functions, methods, types, vars and consts declared in the loaded
// packages ("_" and other unnamed declarations are skipped; several init functions of one
// package form one unit). Edges come from go/types: every identifier use inside a declaration
// that resolves to another unit gives an edge from the enclosing declaration's unit; a use of
// a function or method (called or taken as a value) is a Call, any other use (types, vars,
// consts, embedding) a Ref. A call of an interface method declared in the module is resolved by
// class-hierarchy analysis: every named non-interface type of the loaded packages whose value
// or pointer implements the interface (types.Implements) gets a Dynamic call edge to its
// method. Edges are aggregated per (from, to, kind) with a count and the first position.
// Cost is linear in the size of the code plus, for interface calls, the number of (interface,
// method) pairs times the number of named types.
func (p *Program) Graph() ([]facts.Package, []facts.Unit, []facts.Edge) {
	g := &graphBuilder{prog: p, units: map[facts.UnitID]*facts.Unit{}, edges: map[edgeKey]*facts.Edge{}, cha: map[*types.Func][]facts.UnitID{}}
	var pkgs []facts.Package
	for _, pkg := range p.Packages {
		pkgs = append(pkgs, p.packageFact(pkg))
		for _, f := range pkg.Syntax {
			g.file(pkg, f)
		}
	}
	for _, pkg := range p.Packages {
		for _, f := range pkg.Syntax {
			g.edgesOf(pkg, f)
		}
	}
	units := make([]facts.Unit, 0, len(g.units))
	for _, u := range g.units {
		units = append(units, *u)
	}
	sort.Slice(units, func(i, j int) bool { return units[i].ID < units[j].ID })
	edges := make([]facts.Edge, 0, len(g.edges))
	for _, e := range g.edges {
		edges = append(edges, *e)
	}
	sort.Slice(edges, func(i, j int) bool {
		a, b := edges[i], edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.To != b.To {
			return a.To < b.To
		}
		return a.Kind < b.Kind
	})
	sort.Slice(pkgs, func(i, j int) bool {
		return pkgs[i].Dir < pkgs[j].Dir || pkgs[i].Dir == pkgs[j].Dir && pkgs[i].Path < pkgs[j].Path
	})
	return pkgs, units, edges
}

func (p *Program) packageFact(pkg *packages.Package) facts.Package {
	dir, _ := p.PkgDir(pkg.PkgPath)
	fp := facts.Package{Path: pkg.PkgPath, Dir: dir, Name: pkg.Name}
	for _, f := range pkg.GoFiles {
		fp.Files = append(fp.Files, p.Rel(f))
		if data, err := os.ReadFile(f); err == nil {
			for _, l := range bytes.Split(data, []byte("\n")) {
				if len(bytes.TrimSpace(l)) > 0 {
					fp.Lines++
				}
			}
		}
	}
	sort.Strings(fp.Files)
	for path := range pkg.Imports {
		if _, ok := p.PkgDir(path); ok {
			fp.Imports = append(fp.Imports, path)
		}
	}
	sort.Strings(fp.Imports)
	return fp
}

type edgeKey struct {
	from, to facts.UnitID
	kind     facts.EdgeKind
}

type graphBuilder struct {
	prog  *Program
	units map[facts.UnitID]*facts.Unit
	edges map[edgeKey]*facts.Edge
	// named types of the module, for class-hierarchy analysis (built lazily)
	named    []*types.Named
	namedSet bool
	cha      map[*types.Func][]facts.UnitID
}

func (g *graphBuilder) addUnit(id facts.UnitID, kind facts.UnitKind, dir string, from, to token.Pos) {
	pos := g.prog.Pos(from)
	lines := g.prog.Fset.Position(to).Line - pos.Line + 1
	if u, ok := g.units[id]; ok { // several init funcs, or a file listed twice
		if u.Pos != pos {
			u.Lines += lines
		}
		if pos.Less(u.Pos) {
			u.Pos = pos
		}
		return
	}
	g.units[id] = &facts.Unit{ID: id, Kind: kind, Package: dir, Pos: pos, Lines: lines}
}

func (g *graphBuilder) file(pkg *packages.Package, f *ast.File) {
	dir, _ := g.prog.PkgDir(pkg.PkgPath)
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			obj := pkg.TypesInfo.Defs[d.Name]
			id, ok := g.prog.UnitOf(obj)
			if !ok || d.Name.Name == "_" {
				continue
			}
			kind := facts.Func
			if d.Recv != nil {
				kind = facts.Method
			}
			g.addUnit(id, kind, dir, d.Pos(), d.End())
		case *ast.GenDecl:
			for _, s := range d.Specs {
				from, to := s.Pos(), s.End()
				if !d.Lparen.IsValid() {
					from, to = d.Pos(), d.End()
				}
				switch s := s.(type) {
				case *ast.TypeSpec:
					if id, ok := g.prog.UnitOf(pkg.TypesInfo.Defs[s.Name]); ok && s.Name.Name != "_" {
						g.addUnit(id, facts.Type, dir, from, to)
					}
				case *ast.ValueSpec:
					for _, n := range s.Names {
						if id, ok := g.prog.UnitOf(pkg.TypesInfo.Defs[n]); ok && n.Name != "_" {
							g.addUnit(id, facts.Var, dir, from, to)
						}
					}
				}
			}
		}
	}
}

// edgesOf adds the edges of every declaration of f.
func (g *graphBuilder) edgesOf(pkg *packages.Package, f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			from, ok := g.prog.UnitOf(pkg.TypesInfo.Defs[d.Name])
			if !ok {
				continue
			}
			g.walk(pkg, from, d)
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					if from, ok := g.prog.UnitOf(pkg.TypesInfo.Defs[s.Name]); ok {
						g.walk(pkg, from, s)
					}
				case *ast.ValueSpec:
					var from facts.UnitID
					for _, n := range s.Names {
						if id, ok := g.prog.UnitOf(pkg.TypesInfo.Defs[n]); ok && n.Name != "_" {
							from = id
							break
						}
					}
					if from != "" {
						g.walk(pkg, from, s)
					}
				}
			}
		}
	}
}

func (g *graphBuilder) walk(pkg *packages.Package, from facts.UnitID, n ast.Node) {
	ast.Inspect(n, func(n ast.Node) bool {
		id, ok := n.(*ast.Ident)
		if !ok {
			return true
		}
		obj := pkg.TypesInfo.Uses[id]
		if obj == nil {
			return true
		}
		if fn, ok := obj.(*types.Func); ok {
			if to, ok := g.prog.UnitOf(fn); ok {
				g.add(from, to, facts.Call, id.Pos(), false)
				return true
			}
			for _, to := range g.implementations(fn) {
				g.add(from, to, facts.Call, id.Pos(), true)
			}
			return true
		}
		if to, ok := g.prog.UnitOf(obj); ok {
			g.add(from, to, facts.Ref, id.Pos(), false)
		}
		return true
	})
}

func (g *graphBuilder) add(from, to facts.UnitID, kind facts.EdgeKind, at token.Pos, dynamic bool) {
	if from == to {
		return
	}
	k := edgeKey{from, to, kind}
	pos := g.prog.Pos(at)
	if e, ok := g.edges[k]; ok {
		e.Count++
		if pos.Less(e.Pos) {
			e.Pos = pos
		}
		e.Dynamic = e.Dynamic && dynamic
		return
	}
	g.edges[k] = &facts.Edge{From: from, To: to, Kind: kind, Count: 1, Pos: pos, Dynamic: dynamic}
}

// implementations resolves an interface method declared in the module to the methods of the
// module's named types that implement the interface (class-hierarchy analysis).
func (g *graphBuilder) implementations(fn *types.Func) []facts.UnitID {
	if ids, ok := g.cha[fn]; ok {
		return ids
	}
	var ids []facts.UnitID
	defer func() { g.cha[fn] = ids }()
	sig, _ := fn.Type().(*types.Signature)
	if sig == nil || sig.Recv() == nil || fn.Pkg() == nil {
		return nil
	}
	iface, _ := sig.Recv().Type().Underlying().(*types.Interface)
	if iface == nil {
		return nil
	}
	if _, ok := g.prog.PkgDir(fn.Pkg().Path()); !ok {
		return nil // interfaces of other modules (io.Writer, error...) are not resolved
	}
	if !g.namedSet {
		g.namedSet = true
		for _, pkg := range g.prog.Packages {
			scope := pkg.Types.Scope()
			for _, name := range scope.Names() {
				tn, ok := scope.Lookup(name).(*types.TypeName)
				if !ok || tn.IsAlias() {
					continue
				}
				n, ok := tn.Type().(*types.Named)
				if !ok || n.TypeParams().Len() > 0 || types.IsInterface(n) {
					continue
				}
				g.named = append(g.named, n)
			}
		}
	}
	seen := map[facts.UnitID]bool{}
	for _, n := range g.named {
		var t types.Type = n
		if !types.Implements(t, iface) {
			t = types.NewPointer(n)
			if !types.Implements(t, iface) {
				continue
			}
		}
		obj, _, _ := types.LookupFieldOrMethod(t, true, fn.Pkg(), fn.Name())
		m, ok := obj.(*types.Func)
		if !ok {
			continue
		}
		if id, ok := g.prog.UnitOf(m); ok && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}
