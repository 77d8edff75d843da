package load

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	goversion "go/version"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
	"golang.org/x/tools/go/packages"

	"github.com/carve-go/carve/analyzer/facts"
)

// Config says what to load.
type Config struct {
	Dir      string   // module root, workspace root or a directory inside one; default "."
	Patterns []string // package patterns relative to Dir; default ["./..."]
	Tags     []string // build tags
	Tests    bool     // include _test.go files (test variants replace the plain packages)
	Env      []string // extra environment for the go command (KEY=VALUE), after os.Environ
}

// ErrNothingLoaded is returned (wrapped) by Load when no package of the module could be used.
var ErrNothingLoaded = errors.New("nothing loaded")

// Module is one module of the loaded tree (one for a plain module, several for a go.work
// workspace).
type Module struct {
	Path      string // module path
	Dir       string // dir relative to Program.Root, slash separated, "." for the root
	GoVersion string // the go directive of its go.mod, "" if none
}

// goEnv is the part of `go env` Load needs.
type goEnv struct {
	GOMOD     string
	GOWORK    string
	GOVERSION string
}

// Load loads the packages matching cfg.Patterns with syntax and full type information
// (go/packages with dependencies type-checked from source: measured faster than export data
// on a cold build cache, research/deps.md §4). Function bodies of packages outside the
// loaded modules are dropped while parsing: their declarations are all the analysis needs,
// and this keeps memory and time proportional to the module, not to its dependencies.
//
// Packages that fail to list or have no syntax are recorded in Program.Skipped with the
// reason; packages with type errors are kept (their facts may be incomplete) and also
// recorded. Load returns an error only when the go command cannot run on Dir at all, when
// the module needs a newer Go than the go command found, or when nothing usable loaded (then
// the error wraps ErrNothingLoaded).
func Load(ctx context.Context, cfg Config) (*Program, error) {
	dir := cfg.Dir
	if dir == "" {
		dir = "."
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("load %q: %v", dir, err)
	}
	if fi, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("load %q: %v", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("load %q: not a directory", dir)
	}
	env := append(os.Environ(), cfg.Env...)
	ge, err := readGoEnv(ctx, abs, env)
	if ctx.Err() != nil {
		return nil, fmt.Errorf("load %q: %w", dir, ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("load %q: %v", dir, err)
	}
	prog := &Program{Fset: token.NewFileSet()}
	if err := prog.findModules(ge); err != nil {
		return nil, fmt.Errorf("load %q: %w", dir, err)
	}
	// One clear message when a module needs a newer Go than the go command in use.
	for _, m := range prog.Modules {
		if m.GoVersion != "" && ge.GOVERSION != "" && goversion.IsValid(ge.GOVERSION) &&
			goversion.Compare("go"+m.GoVersion, ge.GOVERSION) > 0 {
			return nil, fmt.Errorf("load %q: module %s requires go %s, but the go command is %s (GOTOOLCHAIN=%s); install Go %s or later, or allow toolchain downloads",
				dir, m.Path, m.GoVersion, ge.GOVERSION, envValue(env, "GOTOOLCHAIN"), m.GoVersion)
		}
	}

	patterns := cfg.Patterns
	if len(patterns) == 0 {
		patterns = []string{"./..."}
		if ge.GOWORK != "" && ge.GOWORK != "off" {
			// "./..." does not cross module boundaries in a workspace: one pattern per module
			// under dir.
			patterns = nil
			for _, m := range prog.Modules {
				md := filepath.Join(prog.Root, filepath.FromSlash(m.Dir))
				if rel, err := filepath.Rel(abs, md); err == nil && !strings.HasPrefix(rel, "..") {
					patterns = append(patterns, "./"+filepath.ToSlash(rel)+"/...")
				}
			}
			sort.Strings(patterns)
			if len(patterns) == 0 {
				patterns = []string{"./..."}
			}
		}
	}
	var flags []string
	if len(cfg.Tags) > 0 {
		flags = append(flags, "-tags="+strings.Join(cfg.Tags, ","))
	}
	roots := prog.moduleDirs()
	pcfg := &packages.Config{
		Context: ctx,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles |
			packages.NeedImports | packages.NeedDeps | packages.NeedTypes | packages.NeedTypesSizes |
			packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Dir:        abs,
		Env:        env,
		BuildFlags: flags,
		Fset:       prog.Fset,
		Tests:      cfg.Tests,
		ParseFile: func(fset *token.FileSet, filename string, src []byte) (*ast.File, error) {
			if within(filename, roots) {
				return parser.ParseFile(fset, filename, src, parser.AllErrors|parser.ParseComments|parser.SkipObjectResolution)
			}
			// Dependencies: declarations only, no comments.
			f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
			if f != nil {
				trimBodies(f)
			}
			return f, err
		},
	}
	pkgs, err := packages.Load(pcfg, patterns...)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("load %q: %w", dir, ctx.Err())
		}
		return nil, fmt.Errorf("load %q: %v", dir, err)
	}
	prog.collect(pkgs, cfg.Tests)
	// Dependencies' syntax and type info are no longer needed (their types stay reachable
	// through the module's packages): let the collector have them.
	packages.Visit(pkgs, nil, func(pkg *packages.Package) {
		if _, ok := prog.PkgDir(pkg.PkgPath); !ok {
			pkg.Syntax, pkg.TypesInfo = nil, nil
		}
	})
	if len(prog.Packages) == 0 {
		msg := "no package matched " + strings.Join(patterns, " ")
		if len(prog.Skipped) > 0 {
			msg = fmt.Sprintf("all %d packages failed (first: %s: %s)", len(prog.Skipped), prog.Skipped[0].What, prog.Skipped[0].Reason)
		}
		return prog, fmt.Errorf("load %q: %w: %s", dir, ErrNothingLoaded, msg)
	}
	return prog, nil
}

func envValue(env []string, key string) string {
	v := ""
	for _, kv := range env {
		if k, val, ok := strings.Cut(kv, "="); ok && k == key {
			v = val
		}
	}
	if v == "" {
		out, err := exec.Command("go", "env", key).Output()
		if err == nil {
			v = strings.TrimSpace(string(out))
		}
	}
	return v
}

func readGoEnv(ctx context.Context, dir string, env []string) (goEnv, error) {
	cmd := exec.CommandContext(ctx, "go", "env", "-json", "GOMOD", "GOWORK", "GOVERSION")
	cmd.Dir = dir
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return goEnv{}, fmt.Errorf("go env: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	var ge goEnv
	if err := json.Unmarshal(out, &ge); err != nil {
		return goEnv{}, fmt.Errorf("go env: %v", err)
	}
	return ge, nil
}

// findModules sets Root, Module and Modules from the go.work or go.mod governing the dir.
func (p *Program) findModules(ge goEnv) error {
	switch {
	case ge.GOWORK != "" && ge.GOWORK != "off":
		data, err := os.ReadFile(ge.GOWORK)
		if err != nil {
			return err
		}
		wf, err := modfile.ParseWork(ge.GOWORK, data, nil)
		if err != nil {
			return err
		}
		p.Root = filepath.Dir(ge.GOWORK)
		for _, u := range wf.Use {
			d := u.Path
			if !filepath.IsAbs(d) {
				d = filepath.Join(p.Root, d)
			}
			m, err := readModule(filepath.Join(d, "go.mod"))
			if err != nil {
				return err
			}
			m.Dir = p.Rel(d)
			if m.Dir == "" {
				m.Dir = "."
			}
			p.Modules = append(p.Modules, m)
		}
		if wf.Go != nil {
			for i := range p.Modules {
				if goversion.Compare("go"+wf.Go.Version, "go"+p.Modules[i].GoVersion) > 0 {
					p.Modules[i].GoVersion = wf.Go.Version
				}
			}
		}
	case ge.GOMOD != "" && ge.GOMOD != os.DevNull:
		m, err := readModule(ge.GOMOD)
		if err != nil {
			return err
		}
		p.Root = filepath.Dir(ge.GOMOD)
		m.Dir = "."
		p.Modules = []Module{m}
	default:
		return errors.New("no go.mod or go.work found in the directory or any parent")
	}
	if len(p.Modules) == 0 {
		return errors.New("go.work uses no module")
	}
	// Longest path first, so PkgDir finds the innermost module of nested module paths.
	sort.Slice(p.Modules, func(i, j int) bool {
		if len(p.Modules[i].Path) != len(p.Modules[j].Path) {
			return len(p.Modules[i].Path) > len(p.Modules[j].Path)
		}
		return p.Modules[i].Path < p.Modules[j].Path
	})
	p.Module = p.Modules[len(p.Modules)-1].Path
	for _, m := range p.Modules {
		if m.Dir == "." {
			p.Module = m.Path
		}
	}
	return nil
}

func readModule(gomod string) (Module, error) {
	data, err := os.ReadFile(gomod)
	if err != nil {
		return Module{}, err
	}
	mf, err := modfile.ParseLax(gomod, data, nil)
	if err != nil {
		return Module{}, err
	}
	if mf.Module == nil {
		return Module{}, fmt.Errorf("%s: no module directive", gomod)
	}
	m := Module{Path: mf.Module.Mod.Path}
	if mf.Go != nil {
		m.GoVersion = mf.Go.Version
	}
	return m, nil
}

func (p *Program) moduleDirs() []string {
	var out []string
	for _, m := range p.Modules {
		out = append(out, filepath.Join(p.Root, filepath.FromSlash(m.Dir))+string(filepath.Separator))
	}
	return out
}

func within(file string, dirs []string) bool {
	for _, d := range dirs {
		if strings.HasPrefix(file, d) {
			return true
		}
	}
	return false
}

// trimBodies drops function bodies: declarations are enough to type-check the users of a
// dependency.
//
// Large composite literals in package-level var initializers (Unicode tables, public suffix
// lists) are emptied too, except [...]T arrays whose length is part of their type.
func trimBodies(f *ast.File) {
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			d.Body = nil
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				vs, ok := sp.(*ast.ValueSpec)
				if !ok {
					continue
				}
				for _, v := range vs.Values {
					ast.Inspect(v, func(n ast.Node) bool {
						switch n := n.(type) {
						case *ast.FuncLit:
							n.Body = &ast.BlockStmt{Lbrace: n.Body.Lbrace, Rbrace: n.Body.Rbrace}
							return false
						case *ast.CompositeLit:
							if len(n.Elts) > 16 {
								if at, ok := n.Type.(*ast.ArrayType); !ok || at.Len == nil || !isEllipsis(at.Len) {
									n.Elts = nil
									return false
								}
							}
						}
						return true
					})
				}
			}
		}
	}
}

func isEllipsis(e ast.Expr) bool {
	_, ok := e.(*ast.Ellipsis)
	return ok
}

// collect keeps the module's packages (test variants preferred when tests are loaded) and
// records what could not be used.
func (p *Program) collect(pkgs []*packages.Package, tests bool) {
	byPath := map[string]*packages.Package{}
	var skipped []facts.Skipped
	for _, pkg := range pkgs {
		path := pkg.PkgPath
		if tests {
			if strings.HasSuffix(pkg.ID, ".test") && pkg.Name == "main" {
				continue // synthesized test main
			}
			if strings.HasSuffix(pkg.PkgPath, "_test") {
				path = pkg.PkgPath // external test package keeps its own path
			}
		}
		if _, ok := p.PkgDir(path); !ok {
			if len(pkg.Errors) > 0 {
				skipped = append(skipped, facts.Skipped{What: pkg.ID, Reason: p.firstErrors(pkg.Errors)})
			}
			continue
		}
		if prev, ok := byPath[path]; ok {
			// Prefer the test variant "p [p.test]" over "p": it holds every file.
			if !strings.Contains(pkg.ID, " [") || strings.Contains(prev.ID, " [") {
				continue
			}
		}
		byPath[path] = pkg
	}
	paths := make([]string, 0, len(byPath))
	for path := range byPath {
		paths = append(paths, path)
	}
	sort.Strings(paths)
	for _, path := range paths {
		pkg := byPath[path]
		if len(pkg.Syntax) == 0 || pkg.Types == nil || pkg.TypesInfo == nil {
			reason := "no Go files could be parsed"
			if len(pkg.Errors) > 0 {
				reason = p.firstErrors(pkg.Errors)
			}
			skipped = append(skipped, facts.Skipped{What: path, Reason: "package skipped: " + reason})
			continue
		}
		if len(pkg.Errors) > 0 {
			skipped = append(skipped, facts.Skipped{What: path, Reason: "analysed with errors, facts may be incomplete: " + p.firstErrors(pkg.Errors)})
		}
		p.Packages = append(p.Packages, pkg)
	}
	sort.Slice(skipped, func(i, j int) bool {
		if skipped[i].What != skipped[j].What {
			return skipped[i].What < skipped[j].What
		}
		return skipped[i].Reason < skipped[j].Reason
	})
	p.Skipped = append(p.Skipped, skipped...)
	p.dirs = map[string]string{}
	for _, pkg := range p.Packages {
		if len(pkg.GoFiles) > 0 {
			p.dirs[pkg.PkgPath] = p.Rel(filepath.Dir(pkg.GoFiles[0]))
		}
	}
}

// firstErrors formats the first error of a package with positions made relative, plus how
// many more there are.
func (p *Program) firstErrors(errs []packages.Error) string {
	if len(errs) == 0 {
		return ""
	}
	msg := strings.ReplaceAll(errs[0].Msg, p.Root+string(filepath.Separator), "")
	if pos := errs[0].Pos; pos != "" && pos != "-" {
		msg = strings.TrimPrefix(pos, p.Root+string(filepath.Separator)) + ": " + msg
	}
	if n := len(errs) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %d more)", n)
	}
	return msg
}
