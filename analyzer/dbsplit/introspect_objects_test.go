package dbsplit

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/carve-go/carve/analyzer/facts"
	"github.com/carve-go/carve/internal/fixtures"
)

// TestIntrospectViewsAndTriggers creates a view and a trigger whose action writes another
// table, then checks what Introspect reads of them.
func TestIntrospectViewsAndTriggers(t *testing.T) {
	for _, tc := range []struct {
		name    string
		dialect facts.Dialect
		dsn     func(testing.TB) string
		script  string
		timing  string
		events  string
	}{
		{"postgres", "postgres", fixtures.Postgres, `
CREATE TABLE accounts (id BIGINT PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, account_id BIGINT NOT NULL REFERENCES accounts(id));
CREATE VIEW account_audit AS SELECT a.name, count(*) AS n FROM accounts a JOIN audit x ON x.account_id = a.id GROUP BY a.name;
CREATE FUNCTION log_account() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit (account_id) VALUES (NEW.id);
  RETURN NEW;
END;
$$;
CREATE TRIGGER accounts_log AFTER INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION log_account();
`, "AFTER", "INSERT, UPDATE"},
		{"mysql", "mysql", fixtures.MySQL, `
CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(100) NOT NULL);
CREATE TABLE audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, account_id BIGINT NOT NULL, CONSTRAINT fk_audit_account FOREIGN KEY (account_id) REFERENCES accounts(id));
CREATE VIEW account_audit AS SELECT a.name, count(*) AS n FROM accounts a JOIN audit x ON x.account_id = a.id GROUP BY a.name;
CREATE TRIGGER accounts_log AFTER INSERT ON accounts FOR EACH ROW INSERT INTO audit (account_id) VALUES (NEW.id);
`, "AFTER", "INSERT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dsn := tc.dsn(t)
			ctx := context.Background()
			db, d, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := ApplyScript(ctx, db, d, "objects.sql", tc.script); err != nil {
				t.Fatalf("ApplyScript: %v", err)
			}
			s, err := Introspect(ctx, db, d)
			if err != nil {
				t.Fatalf("Introspect: %v", err)
			}
			var views []View
			for _, v := range s.Views {
				views = append(views, View{Name: v.Name, Tables: v.Tables})
			}
			if diff := cmp.Diff([]View{{Name: "account_audit", Tables: []string{"accounts", "audit"}}}, views); diff != "" {
				t.Errorf("views mismatch (-want +got):\n%s", diff)
			}
			if len(s.Triggers) != 1 {
				t.Fatalf("triggers = %+v, want one", s.Triggers)
			}
			tr := s.Triggers[0]
			if tr.Name != "accounts_log" || tr.Table != "accounts" || tr.Timing != tc.timing || tr.Events != tc.events {
				t.Errorf("trigger = %+v, want accounts_log %s %s on accounts", tr, tc.timing, tc.events)
			}
			if diff := cmp.Diff([]facts.TableAccess{{Name: "audit", Access: facts.Insert}}, tr.Tables); diff != "" {
				t.Errorf("trigger tables mismatch (-want +got):\n%s", diff)
			}
			audit := s.Table("audit")
			if audit == nil || len(audit.ForeignKeys) != 1 || audit.ForeignKeys[0].RefTable != "accounts" || audit.ForeignKeys[0].Name == "" {
				t.Errorf("audit foreign keys = %+v, want one named key to accounts", audit)
			}
		})
	}
}
