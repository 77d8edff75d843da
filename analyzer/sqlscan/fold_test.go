package sqlscan

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"

	"github.com/carve-go/carve/analyzer/sqlparse"
)

// foldSource type-checks src (a file of package p, no imports) and folds the expression
// returned by func f at its return statement.
func foldSource(t testing.TB, src string) (value, *types.Info, ast.Expr, bool) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "p.go", src, parser.SkipObjectResolution)
	if err != nil {
		return value{}, nil, nil, false
	}
	info := &types.Info{Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}}
	conf := types.Config{Error: func(error) {}}
	pkg, _ := conf.Check("p", fset, []*ast.File{f}, info)
	s := &scanner{inits: map[*types.Var]pkgInit{}}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok {
			for _, sp := range gd.Specs {
				if vs, ok := sp.(*ast.ValueSpec); ok && len(vs.Values) == len(vs.Names) {
					for i, n := range vs.Names {
						if v, ok := info.Defs[n].(*types.Var); ok {
							s.inits[v] = pkgInit{vs.Values[i], info}
						}
					}
				}
			}
		}
	}
	_ = pkg
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != "f" || fd.Body == nil {
			continue
		}
		c := newFnCtx(info, fd.Type, fd.Recv, fd.Body)
		var ret ast.Expr
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 1 && ret == nil {
				ret = r.Results[0]
			}
			return true
		})
		if ret == nil {
			return value{}, nil, nil, false
		}
		return s.fold(c, ret, 0), info, ret, true
	}
	return value{}, nil, nil, false
}

func TestFold(t *testing.T) {
	tests := []struct {
		name, body, want string
		known            bool
	}{
		{"const", `return "SELECT 1"`, "SELECT 1", true},
		{"concat", `const t = "users"; return "SELECT * FROM " + t`, "SELECT * FROM users", true},
		{"pkg var", `return pv + " WHERE id = 1"`, "SELECT id FROM pv WHERE id = 1", true},
		{"straight local", `q := "SELECT a"; q += " FROM b"; return q`, "SELECT a FROM b", true},
		{"param", `return "SELECT " + a`, "SELECT " + paramMark(0), true},
		{"conditional", `q := "x"; if a == "" { q = "y" }; return q`, sqlparse.Hole, false},
		{"conditional +=", `q := "SELECT a FROM b"; if a != "" { q += " WHERE x" } else { q += " WHERE y" }; q += " LIMIT 1"; return q`, "SELECT a FROM b WHERE x WHERE y LIMIT 1", false},
		{"loop +=", `q := "x"; for range 3 { q += "y" }; return q`, sqlparse.Hole, false},
		{"define in loop", `for range 3 { q := "SELECT 1"; return q }; return ""`, "SELECT 1", true},
		{"address taken", `q := "x"; p := &q; _ = p; return q`, sqlparse.Hole, false},
		{"unknown field", `var s struct{ q string }; return s.q`, sqlparse.Hole, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "package p\n\nvar pv = \"SELECT id FROM pv\"\n\nfunc f(a string) string {\n" + tt.body + "\n}\n"
			v, _, _, ok := foldSource(t, src)
			if !ok {
				t.Fatalf("source did not parse:\n%s", src)
			}
			if v.text != tt.want || (v.reason == "") != tt.known {
				t.Errorf("fold(%s) = %q (reason %q), want %q known=%v", tt.body, v.text, v.reason, tt.want, tt.known)
			}
		})
	}
}

// FuzzFold folds arbitrary function bodies. Properties: no panic; a value the type checker
// knows as a string constant folds to exactly that constant; parameter and lookup markers
// are always well formed.
func FuzzFold(f *testing.F) {
	for _, s := range []string{
		`return "SELECT 1"`,
		`q := "a"; q += a; return q`,
		`q := "x"; if a == "" { q = "y" }; return q`,
		`const t = "users"; return "SELECT * FROM " + t + a`,
		`var s []string; return s[0]`,
		`q := q; return q`,
		`return (((a)))`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		src := "package p\n\nvar pv = \"SELECT id FROM pv\"\n\nfunc f(a string) string {\n" + body + "\n}\n"
		v, info, ret, ok := foldSource(t, src)
		if !ok {
			return
		}
		if tv, ok := info.Types[ret]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
			if v.text != constant.StringVal(tv.Value) || v.reason != "" {
				t.Errorf("constant %q folded to %q (reason %q)", constant.StringVal(tv.Value), v.text, v.reason)
			}
		}
		if strings.Count(v.text, "\x00")%2 != 0 {
			t.Errorf("unbalanced parameter marker in %q", v.text)
		}
	})
}

func TestGormNaming(t *testing.T) {
	for in, want := range map[string]string{
		"User": "users", "OrderItem": "order_items", "Category": "categories", "Address": "addresses",
		"UserID": "user_ids", "Key": "keys", "HTTPLog": "http_logs", "Box": "boxes",
	} {
		if got := gormPlural(snake(in)); got != want {
			t.Errorf("gormPlural(snake(%q)) = %q, want %q", in, got, want)
		}
	}
}
