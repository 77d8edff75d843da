package dbsplit

import (
	"errors"
	facts "github.com/carve-go/carve/analyzer/facts"
	"strings"
	"testing"
)

func TestMaskDSN(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://bob:s3cr3t@db.example:5432/shop?sslmode=disable", "postgres://bob:xxxxx@db.example:5432/shop?sslmode=disable"},
		{"postgresql://bob:p%40ss@h/db", "postgresql://bob:xxxxx@h/db"},
		{"postgres://bob@h/db", "postgres://bob@h/db"},
		{"host=h user=bob password=s3cr3t dbname=shop", "host=h user=bob password=xxxxx dbname=shop"},
		{"host=h password='with space' dbname=shop", "host=h password=xxxxx dbname=shop"},
		{"bob:s3cr3t@tcp(127.0.0.1:3306)/ledger?parseTime=true", "bob:xxxxx@tcp(127.0.0.1:3306)/ledger?parseTime=true"},
		{"bob@tcp(127.0.0.1:3306)/ledger", "bob@tcp(127.0.0.1:3306)/ledger"},
		{"mysql://bob:s3cr3t@h:3306/ledger", "mysql://bob:xxxxx@h:3306/ledger"},
		{"postgres://h/db?user=bob&password=s3cr3t", "postgres://h/db?user=bob&password=xxxxx"},
		{`open "bob:s3cr3t@tcp(h)/x": refused`, `open "bob:xxxxx@tcp(h)/x": refused`},
		{"no dsn here: just text", "no dsn here: just text"},
	} {
		if got := MaskDSN(tc.in); got != tc.want {
			t.Errorf("MaskDSN(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestMaskErrRemovesPasswordEverywhere checks that a password echoed anywhere in a driver
// error (not only in DSN shape) is removed, and that the error still unwraps.
func TestMaskErrRemovesPasswordEverywhere(t *testing.T) {
	base := errors.New(`auth failed for "bob" with password s3cr3t-xyz`)
	for _, dsn := range []string{
		"postgres://bob:s3cr3t-xyz@h/db",
		"host=h user=bob password=s3cr3t-xyz",
		"bob:s3cr3t-xyz@tcp(h:3306)/db",
	} {
		err := maskErr(base, dsn)
		if strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("maskErr(%q) = %q: password still there", dsn, err)
		}
		if !errors.Is(err, base) {
			t.Errorf("maskErr(%q) does not unwrap to the driver error", dsn)
		}
	}
}

func TestDialectOf(t *testing.T) {
	for _, tc := range []struct {
		dsn, want string
		bad       bool
	}{
		{dsn: "postgres://u@h/db", want: "postgres"},
		{dsn: "postgresql://u@h/db", want: "postgres"},
		{dsn: "host=h dbname=db", want: "postgres"},
		{dsn: "u:p@tcp(h:3306)/db", want: "mysql"},
		{dsn: "mysql://u:p@h/db", want: "mysql"},
		{dsn: "", bad: true},
		{dsn: "nonsense", bad: true},
	} {
		got, err := DialectOf(tc.dsn)
		if tc.bad {
			if err == nil {
				t.Errorf("DialectOf(%q) = %q, want an error", tc.dsn, got)
			}
			continue
		}
		if err != nil || string(got) != tc.want {
			t.Errorf("DialectOf(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
	}
	// A bad DSN's error never shows its password.
	if _, err := DialectOf("zz:topsecret@@@"); err != nil && strings.Contains(err.Error(), "topsecret") {
		t.Errorf("DialectOf error leaks the password: %v", err)
	}
}

func TestWithDatabase(t *testing.T) {
	for _, tc := range []struct {
		dsn, dialect, want string
	}{
		{"postgres://u:p@h:5432/postgres?sslmode=disable", "postgres", "postgres://u:p@h:5432/carve_x?sslmode=disable"},
		{"host=h dbname=postgres user=u", "postgres", "host=h dbname=carve_x user=u"},
		{"host=h user=u", "postgres", "host=h user=u dbname=carve_x"},
		{"u:p@tcp(h:3306)/mysql?timeout=3s", "mysql", "u:p@tcp(h:3306)/carve_x?timeout=3s"},
	} {
		got, err := withDatabase(tc.dsn, factsDialect(tc.dialect), "carve_x")
		if err != nil || got != tc.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q", tc.dsn, got, err, tc.want)
		}
	}
}

func factsDialect(s string) facts.Dialect { return facts.Dialect(s) }

// FuzzMaskDSN: whatever the password (from the characters DSNs carry unescaped), each DSN
// form masks to the same text with "xxxxx" in its place.
func FuzzMaskDSN(f *testing.F) {
	for _, s := range []string{"s3cret", "p-a_s.s~w!o*rd", "x", "postgres", "tcp", "password=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pw string) {
		if pw == "" {
			return
		}
		for _, r := range pw {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_.~!*", r)) {
				return
			}
		}
		for _, tmpl := range []string{
			"postgres://bob:%s@db.example:5432/shop?sslmode=disable",
			"host=db.example user=bob password=%s dbname=shop",
			"bob:%s@tcp(db.example:3306)/ledger?parseTime=true",
			"mysql://bob:%s@db.example:3306/ledger",
			"postgres://db.example/shop?user=bob&password=%s",
		} {
			dsn := strings.ReplaceAll(tmpl, "%s", pw)
			want := strings.ReplaceAll(tmpl, "%s", "xxxxx")
			if got := MaskDSN(dsn); got != want {
				t.Errorf("MaskDSN(%q) = %q, want %q", dsn, got, want)
			}
		}
	})
}
