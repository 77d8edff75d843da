package dbsplit

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestVerifyAlwaysDropsScratch makes Verify fail in two ways (a broken schema file, a
// context cancelled while the plan is being applied) and checks that the scratch database,
// its roles and users are gone each time.
func TestVerifyAlwaysDropsScratch(t *testing.T) {
	res := analyzeTruth(t, "shop")
	for _, tc := range []struct {
		name string
		dsn  func(*testing.T) string
	}{
		{"postgres", pgAdminDSN},
		{"mysql", myAdminDSN},
	} {
		t.Run(tc.name+"/broken-schema", func(t *testing.T) {
			dsn := tc.dsn(t)
			bad := filepath.Join(t.TempDir(), "001_bad.sql")
			if err := os.WriteFile(bad, []byte("CREATE TABLE ok_table (id INT PRIMARY KEY);\nCREATE TABLE broken (;\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var scratch string
			_, err := Verify(context.Background(), res, VerifyOptions{DSN: dsn, Files: []string{bad}, Progress: func(m string) {
				if s, ok := strings.CutPrefix(m, "creating scratch database "); ok {
					scratch = s
				}
			}})
			if err == nil || !strings.Contains(err.Error(), "001_bad.sql") {
				t.Fatalf("Verify(broken schema) error = %v, want one naming 001_bad.sql", err)
			}
			if scratch == "" {
				t.Fatal("no scratch database was announced")
			}
			assertScratchGone(t, dsn, scratch)
		})
		t.Run(tc.name+"/cancelled", func(t *testing.T) {
			fixture := "shop"
			if tc.name == "mysql" {
				fixture = "ledger"
			}
			res := analyzeTruth(t, fixture)
			dsn := tc.dsn(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var scratch string
			_, err := Verify(ctx, res, VerifyOptions{DSN: dsn, Root: fixtureDir(fixture), Progress: func(m string) {
				if s, ok := strings.CutPrefix(m, "creating scratch database "); ok {
					scratch = s
				}
				if strings.HasPrefix(m, "running") {
					cancel() // like Ctrl-C in the middle of the statements
				}
			}})
			if err == nil || !strings.Contains(err.Error(), "context canceled") {
				t.Fatalf("Verify(cancelled) error = %v, want context canceled", err)
			}
			assertScratchGone(t, dsn, scratch)
		})
	}
}

// TestVerifyFromLive recreates the schema from an introspected live database instead of
// migration files and must find the same breaks.
func TestVerifyFromLive(t *testing.T) {
	res := analyzeTruth(t, "shop")
	_, live := openFixture(t, "postgres", fixtureDir("shop"))
	dsn := pgAdminDSN(t)
	rep, err := Verify(context.Background(), res, VerifyOptions{DSN: dsn, Live: live})
	if err != nil {
		t.Fatalf("Verify(live): %v", err)
	}
	var got []string
	for _, b := range rep.Breaks {
		got = append(got, b.Pos.String())
	}
	if diff := cmp.Diff(crossStatements(res), dedupe(got)); diff != "" {
		t.Errorf("breaks mismatch (-analysis +verify from live):\n%s", diff)
	}
	assertScratchGone(t, dsn, rep.Scratch)
}
