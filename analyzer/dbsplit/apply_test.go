package dbsplit

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer"
	"github.com/carve-go/carve/analyzer/facts"
)

func TestUpPart(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"plain", "CREATE TABLE a (id int);\n", "CREATE TABLE a (id int);\n"},
		{"goose", "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Down\nDROP TABLE a;\n", "-- +goose Up\nCREATE TABLE a (id int);\n"},
		{"goose lower case", "-- +goose up\nCREATE TABLE a (id int);\n  --  +goose down\nDROP TABLE a;\n", "-- +goose up\nCREATE TABLE a (id int);\n"},
		{"sql-migrate", "-- +migrate Up\nCREATE TABLE a (id int);\n-- +migrate Down\nDROP TABLE a;\n", "-- +migrate Up\nCREATE TABLE a (id int);\n"},
		{"dbmate", "-- migrate:up\nCREATE TABLE a (id int);\n\n-- migrate:down\nDROP TABLE a;\n", "-- migrate:up\nCREATE TABLE a (id int);\n\n"},
		{"marker inside a line is not a marker", "SELECT '-- +goose Down';\n", "SELECT '-- +goose Down';\n"},
	} {
		if got := UpPart(tc.in); got != tc.want {
			t.Errorf("%s: UpPart(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestMigrationFiles(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"db/migrations/000002_b.up.sql", "db/migrations/000002_b.down.sql", "db/migrations/000001_a.up.sql",
		"db/migrations/000001_a.down.sql", "db/migrations/000003_index.up.sql", "schema/routines.sql"} {
		p := filepath.Join(root, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("SELECT 1;"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res := &analyzer.Result{}
	res.Tables = []facts.Table{
		{Name: "a", Source: "migration", Pos: facts.Pos{File: "db/migrations/000001_a.up.sql", Line: 1}},
		{Name: "b", Source: "migration", Pos: facts.Pos{File: "db/migrations/000002_b.up.sql", Line: 1}},
		{Name: "c", Source: "sql", Pos: facts.Pos{File: "store/c.go", Line: 9}},
	}
	res.Routines = []facts.Routine{{Name: "f", Pos: facts.Pos{File: "schema/routines.sql", Line: 1}}}
	got, err := MigrationFiles(res, root)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		got[i], _ = filepath.Rel(root, got[i])
		got[i] = filepath.ToSlash(got[i])
	}
	want := []string{"db/migrations/000001_a.up.sql", "db/migrations/000002_b.up.sql", "db/migrations/000003_index.up.sql", "schema/routines.sql"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MigrationFiles mismatch (-want +got):\n%s", diff)
	}
	res.Tables[0].Pos.File = "gone/001.sql"
	if _, err := MigrationFiles(res, root); err == nil {
		t.Errorf("MigrationFiles with a missing file succeeded, want an error naming it")
	}
}
