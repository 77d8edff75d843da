// Package load loads a Go module with golang.org/x/tools/go/packages and gives the other
// analyzer passes one Program: the packages of the module with syntax and types, positions
// relative to the module root, and the unit naming scheme (facts.UnitID). A Program is
// read-only after Load and safe for concurrent readers.
package load

import (
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/tools/go/packages"

	"github.com/carve-go/carve/analyzer/facts"
)

// Program is a loaded module.
type Program struct {
	Root     string              // absolute module root (the dir holding go.mod)
	Module   string              // module path
	Fset     *token.FileSet      // positions of every loaded file
	Modules  []Module            // modules loaded: one, or the modules of a go.work workspace (longest path first)
	Packages []*packages.Package // packages of the module (roots), sorted by import path, that type-checked well enough to use
	Skipped  []facts.Skipped     // what could not be used, and why

	dirs map[string]string // import path -> package dir, for the loaded packages
}

// Pos converts a token.Pos into a position relative to the module root.
func (p *Program) Pos(pos token.Pos) facts.Pos {
	if !pos.IsValid() {
		return facts.Pos{}
	}
	tp := p.Fset.Position(pos)
	return facts.Pos{File: p.Rel(tp.Filename), Line: tp.Line}
}

// Rel returns file relative to the module root, slash separated. Files outside the root are
// returned as they are.
func (p *Program) Rel(file string) string {
	if rel, err := filepath.Rel(p.Root, file); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return filepath.ToSlash(file)
}

// PkgDir returns the package dir of an import path of the module, relative to the module
// root ("." for the root package), and false for packages outside the module.
func (p *Program) PkgDir(importPath string) (string, bool) {
	if d, ok := p.dirs[importPath]; ok {
		return d, true
	}
	mods := p.Modules
	if len(mods) == 0 {
		mods = []Module{{Path: p.Module, Dir: "."}}
	}
	for _, m := range mods {
		rest := ""
		if importPath == m.Path {
			rest = "."
		} else if r, ok := strings.CutPrefix(importPath, m.Path+"/"); ok {
			rest = r
		} else {
			continue
		}
		return path.Clean(path.Join(m.Dir, rest)), true
	}
	return "", false
}

// UnitOf returns the unit ID of a package-level object (func, type, var, const) or method
// declared in the module, and false for anything else (locals, fields, objects of other modules).
// Methods of generic types and instantiated functions map to their generic origin.
func (p *Program) UnitOf(obj types.Object) (facts.UnitID, bool) {
	if obj == nil || obj.Pkg() == nil {
		return "", false
	}
	dir, ok := p.PkgDir(obj.Pkg().Path())
	if !ok {
		return "", false
	}
	switch o := obj.(type) {
	case *types.Func:
		o = o.Origin()
		sig, _ := o.Type().(*types.Signature)
		if sig != nil && sig.Recv() != nil {
			t := sig.Recv().Type()
			if ptr, ok := t.(*types.Pointer); ok {
				t = ptr.Elem()
			}
			if types.IsInterface(t) {
				return "", false // interface method: not a unit
			}
			switch n := t.(type) {
			case *types.Named:
				return facts.UnitID(dir + "." + n.Origin().Obj().Name() + "." + o.Name()), true
			case *types.Alias:
				return facts.UnitID(dir + "." + n.Obj().Name() + "." + o.Name()), true
			default:
				return "", false // interface method: not a unit
			}
		}
		if o.Parent() != o.Pkg().Scope() {
			return "", false
		}
		return facts.UnitID(dir + "." + o.Name()), true
	case *types.TypeName, *types.Var, *types.Const:
		if obj.Parent() != obj.Pkg().Scope() {
			return "", false
		}
		return facts.UnitID(dir + "." + obj.Name()), true
	}
	return "", false
}

// EnclosingDecl returns the unit ID of the top-level declaration of file that contains pos
// (the function or method body, or the var/type declaration), and false when pos is outside
// every declaration (e.g. an import).
func (p *Program) EnclosingDecl(pkg *packages.Package, file *ast.File, pos token.Pos) (facts.UnitID, bool) {
	for _, d := range file.Decls {
		if pos < d.Pos() || pos >= d.End() {
			continue
		}
		switch d := d.(type) {
		case *ast.FuncDecl:
			return p.UnitOf(pkg.TypesInfo.Defs[d.Name])
		case *ast.GenDecl:
			for _, s := range d.Specs {
				if pos < s.Pos() || pos >= s.End() {
					continue
				}
				switch s := s.(type) {
				case *ast.TypeSpec:
					return p.UnitOf(pkg.TypesInfo.Defs[s.Name])
				case *ast.ValueSpec:
					if len(s.Names) > 0 {
						return p.UnitOf(pkg.TypesInfo.Defs[s.Names[0]])
					}
				}
			}
		}
	}
	return "", false
}

// Named returns the named type t is, or points to; nil for any other type. Analyses use it to
// name receivers and handle types whether they are used by value or by pointer.
func Named(t types.Type) *types.Named {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, _ := t.(*types.Named)
	return n
}
