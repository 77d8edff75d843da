package sqlparse

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const pgMigration = `-- 0001_init.sql
CREATE SCHEMA IF NOT EXISTS billing;

CREATE TABLE users (
    id         BIGSERIAL PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE public.orders (
    id      BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    total   NUMERIC(12, 2) NOT NULL
);

CREATE TABLE billing.invoices (
    id       BIGSERIAL,
    order_id BIGINT NOT NULL,
    note     TEXT DEFAULT 'a;b',
    PRIMARY KEY (id),
    CONSTRAINT fk_order
        FOREIGN KEY (order_id) REFERENCES orders (id)
);

CREATE INDEX idx_orders_user ON orders (user_id);

ALTER TABLE billing.invoices ADD COLUMN payer_id BIGINT;
ALTER TABLE billing.invoices
    ADD CONSTRAINT fk_payer FOREIGN KEY (payer_id) REFERENCES users;

CREATE VIEW order_totals AS SELECT user_id, sum(total) FROM orders GROUP BY user_id;

CREATE OR REPLACE FUNCTION close_order(p_id BIGINT) RETURNS void AS $$
DECLARE
    v_user BIGINT;
BEGIN
    SELECT user_id INTO v_user FROM orders WHERE id = p_id;
    UPDATE orders SET total = 0 WHERE id = p_id;
    INSERT INTO billing.invoices (order_id) VALUES (p_id);
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER trg_close AFTER UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION close_order();

INSERT INTO users (email) VALUES ('seed@example.com');
`

func TestParseSchemaPostgres(t *testing.T) {
	got, errs := ParseSchema(pgMigration, Postgres)
	if len(errs) > 0 {
		t.Fatalf("ParseSchema errors: %v", errs)
	}
	want := Schema{
		Tables: []Table{
			{Name: "users", Line: 4, PrimaryKey: []string{"id"}, Columns: []Column{
				{"id", "bigserial"}, {"email", "text"}, {"created_at", "timestamptz"}}},
			{Name: "orders", Line: 10, PrimaryKey: []string{"id"}, Columns: []Column{
				{"id", "bigserial"}, {"user_id", "bigint"}, {"total", "numeric(12, 2)"}}},
			{Name: "billing.invoices", Line: 16, PrimaryKey: []string{"id"}, Columns: []Column{
				{"id", "bigserial"}, {"order_id", "bigint"}, {"note", "text"}, {"payer_id", "bigint"}}},
		},
		ForeignKeys: []ForeignKey{
			{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, Line: 12},
			{Table: "billing.invoices", Columns: []string{"order_id"}, RefTable: "orders", RefColumns: []string{"id"}, Line: 22},
			{Table: "billing.invoices", Columns: []string{"payer_id"}, RefTable: "users", RefColumns: []string{"id"}, Line: 29},
		},
		Views: []Table{{Name: "order_totals", Line: 31}},
		Routines: []Routine{
			{Name: "close_order", Kind: "function", Line: 33, Tables: ta("billing.invoices:insert", "orders:read", "orders:update")},
			{Name: "trg_close", Kind: "trigger", Line: 43},
		},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSchema(pg) mismatch (-want +got):\n%s", diff)
	}
}

const myMigration = "CREATE TABLE `users` (\n" + // 1
	"  `id` BIGINT NOT NULL AUTO_INCREMENT,\n" + // 2
	"  `email` VARCHAR(255) NOT NULL,\n" + // 3
	"  PRIMARY KEY (`id`),\n" + // 4
	"  UNIQUE KEY `uq_email` (`email`)\n" + // 5
	") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\n" + // 6
	"\n" + // 7
	"CREATE TABLE orders (\n" + // 8
	"  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,\n" + // 9
	"  user_id BIGINT NOT NULL,\n" + // 10
	"  KEY idx_user (user_id),\n" + // 11
	"  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE\n" + // 12
	") ENGINE=InnoDB;\n" + // 13
	"\n" + // 14
	"CREATE TABLE shop.order_items (order_id BIGINT, sku VARCHAR(32), PRIMARY KEY (order_id, sku));\n" + // 15
	"ALTER TABLE shop.order_items ADD CONSTRAINT fk_item_order FOREIGN KEY (order_id) REFERENCES orders(id);\n" + // 16
	"\n" + // 17
	"DELIMITER //\n" + // 18
	"CREATE PROCEDURE archive_user(IN p_id BIGINT)\n" + // 19
	"BEGIN\n" + // 20
	"  DECLARE n INT;\n" + // 21
	"  SELECT COUNT(*) INTO n FROM orders WHERE user_id = p_id;\n" + // 22
	"  IF n = 0 THEN\n" + // 23
	"    DELETE FROM users WHERE id = p_id;\n" + // 24
	"  END IF;\n" + // 25
	"END //\n" + // 26
	"DELIMITER ;\n" + // 27
	"CREATE TRIGGER trg_audit AFTER DELETE ON users FOR EACH ROW INSERT INTO audit (user_id) VALUES (OLD.id);\n" + // 28
	"CREATE VIEW active_users AS SELECT * FROM users;\n" // 29

func TestParseSchemaMySQL(t *testing.T) {
	got, errs := ParseSchema(myMigration, MySQL)
	if len(errs) > 0 {
		t.Fatalf("ParseSchema errors: %v", errs)
	}
	want := Schema{
		Tables: []Table{
			{Name: "users", Line: 1, PrimaryKey: []string{"id"}, Columns: []Column{{"id", "bigint"}, {"email", "varchar(255)"}}},
			{Name: "orders", Line: 8, PrimaryKey: []string{"id"}, Columns: []Column{{"id", "bigint"}, {"user_id", "bigint"}}},
			{Name: "shop.order_items", Line: 15, PrimaryKey: []string{"order_id", "sku"}, Columns: []Column{{"order_id", "bigint"}, {"sku", "varchar(32)"}}},
		},
		ForeignKeys: []ForeignKey{
			{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, Line: 12},
			{Table: "shop.order_items", Columns: []string{"order_id"}, RefTable: "orders", RefColumns: []string{"id"}, Line: 16},
		},
		Routines: []Routine{
			{Name: "archive_user", Kind: "procedure", Line: 19, Tables: ta("orders:read", "users:delete")},
			{Name: "trg_audit", Kind: "trigger", Line: 28, Tables: ta("audit:insert")},
		},
		Views: []Table{{Name: "active_users", Line: 29}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSchema(mysql) mismatch (-want +got):\n%s", diff)
	}
}

func TestParseSchemaErrors(t *testing.T) {
	src := "CREATE TABLE ok (id INT PRIMARY KEY);\nCREATE TABLE broken id INT;\nCREATE TABLE after (id INT, ok_id INT REFERENCES ok(id));\n"
	got, errs := ParseSchema(src, Postgres)
	if len(errs) != 1 {
		t.Fatalf("ParseSchema errors = %v, want 1 error", errs)
	}
	if want := `line 2: create table "broken": expected '(' after the table name`; errs[0].Error() != want {
		t.Errorf("error = %q, want %q", errs[0], want)
	}
	if len(got.Tables) != 2 || got.Tables[1].Name != "after" || len(got.ForeignKeys) != 1 || got.ForeignKeys[0].Line != 3 {
		t.Errorf("ParseSchema did not continue after the error: %+v", got)
	}
}

func TestSplitStatements(t *testing.T) {
	src := "SELECT 'a;b' FROM t; -- c;\n" + // 1
		"INSERT INTO x VALUES (\"q;\");\n" + // 2
		"CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql;\n" + // 3
		"/* a; b */ UPDATE y SET a = 1\n" + // 4
		";\n" + // 5
		"CREATE PROCEDURE p() BEGIN SELECT 1; IF 1 THEN SELECT 2; END IF; CASE WHEN 1 THEN SELECT 3; END CASE; END;\n" + // 6
		"BEGIN;\n" + // 7
		"DELETE FROM z" // 8
	got := SplitStatements(src)
	want := []Chunk{
		{SQL: "SELECT 'a;b' FROM t", Line: 1},
		{SQL: `INSERT INTO x VALUES ("q;")`, Line: 2},
		{SQL: "CREATE FUNCTION f() RETURNS int AS $fn$ BEGIN RETURN 1; END; $fn$ LANGUAGE plpgsql", Line: 3},
		{SQL: "UPDATE y SET a = 1", Line: 4},
		{SQL: "CREATE PROCEDURE p() BEGIN SELECT 1; IF 1 THEN SELECT 2; END IF; CASE WHEN 1 THEN SELECT 3; END CASE; END", Line: 6},
		{SQL: "BEGIN", Line: 7},
		{SQL: "DELETE FROM z", Line: 8},
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Chunk{}, "Offset")); diff != "" {
		t.Errorf("SplitStatements mismatch (-want +got):\n%s", diff)
	}
	for _, c := range got {
		if src[c.Offset:c.Offset+len(c.SQL)] != c.SQL {
			t.Errorf("chunk at offset %d does not match the source: %q", c.Offset, c.SQL)
		}
	}
}

func TestSplitNamed(t *testing.T) {
	src := "-- header comment\n" + // 1
		"-- name: GetUser\n" + // 2
		"SELECT * FROM users WHERE id = $1;\n" + // 3
		"\n" + // 4
		"-- want sql orders:read\n" + // 5
		"-- name: ListOrders :many\n" + // 6
		"SELECT *\n" + // 7
		"FROM orders;\n" + // 8
		"--name:Empty\n" // 9
	got := SplitNamed(src)
	want := []NamedQuery{
		{Name: "GetUser", Line: 2, SQL: "SELECT * FROM users WHERE id = $1"},
		{Name: "ListOrders", Line: 6, SQL: "SELECT *\nFROM orders"},
		{Name: "Empty", Line: 9, SQL: ""},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("SplitNamed mismatch (-want +got):\n%s", diff)
	}
}

// pg_dump and mysqldump write schema files in their own style.
func TestParseSchemaDumps(t *testing.T) {
	pgDump := `SET statement_timeout = 0;
SELECT pg_catalog.set_config('search_path', '', false);
CREATE FUNCTION public.audit_order() RETURNS trigger
    LANGUAGE plpgsql
    AS $_$
BEGIN
  INSERT INTO public.audit (what) VALUES ('order ' || NEW.id);
  RETURN NEW;
END
$_$;
CREATE TABLE public.users (
    id bigint NOT NULL
);
CREATE TABLE public.orders (
    id bigint NOT NULL,
    user_id bigint
);
ALTER TABLE ONLY public.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;
`
	got, errs := ParseSchema(pgDump, Postgres)
	if len(errs) > 0 {
		t.Fatalf("ParseSchema(pg_dump) errors: %v", errs)
	}
	wantFK := []ForeignKey{{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, Line: 21}}
	if diff := cmp.Diff(wantFK, got.ForeignKeys); diff != "" {
		t.Errorf("pg_dump foreign keys mismatch (-want +got):\n%s", diff)
	}
	if len(got.Tables) != 2 || cmp.Diff([]string{"id"}, got.Tables[0].PrimaryKey) != "" || got.Tables[0].Name != "users" {
		t.Errorf("pg_dump tables = %+v, want users with PK id and orders", got.Tables)
	}
	wantR := []Routine{{Name: "audit_order", Kind: "function", Line: 3, Tables: ta("audit:insert")}}
	if diff := cmp.Diff(wantR, got.Routines); diff != "" {
		t.Errorf("pg_dump routines mismatch (-want +got):\n%s", diff)
	}

	myDump := "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n" + // 1
		"DROP TABLE IF EXISTS `orders`;\n" + // 2
		"/*!40101 SET @saved_cs_client     = @@character_set_client */;\n" + // 3
		"CREATE TABLE `orders` (\n" + // 4
		"  `id` int(11) NOT NULL AUTO_INCREMENT,\n" + // 5
		"  `user_id` int(11) DEFAULT NULL,\n" + // 6
		"  PRIMARY KEY (`id`),\n" + // 7
		"  KEY `fk_user` (`user_id`),\n" + // 8
		"  CONSTRAINT `fk_user` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)\n" + // 9
		") ENGINE=InnoDB AUTO_INCREMENT=3 DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;\n" + // 10
		"LOCK TABLES `orders` WRITE;\n" + // 11
		"INSERT INTO `orders` VALUES (1,1),(2,1);\n" + // 12
		"UNLOCK TABLES;\n" // 13
	got, errs = ParseSchema(myDump, MySQL)
	if len(errs) > 0 {
		t.Fatalf("ParseSchema(mysqldump) errors: %v", errs)
	}
	want := Schema{
		Tables:      []Table{{Name: "orders", Line: 4, PrimaryKey: []string{"id"}, Columns: []Column{{"id", "int(11)"}, {"user_id", "int(11)"}}}},
		ForeignKeys: []ForeignKey{{Table: "orders", Columns: []string{"user_id"}, RefTable: "users", RefColumns: []string{"id"}, Line: 9}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSchema(mysqldump) mismatch (-want +got):\n%s", diff)
	}
}

func TestParseSchemaAlterOtherFile(t *testing.T) {
	src := "-- +goose Up\nALTER TABLE orders ADD COLUMN coupon_id BIGINT REFERENCES coupons(id);\n-- +goose Down\nALTER TABLE orders DROP COLUMN coupon_id;\n"
	got, errs := ParseSchema(src, Postgres)
	if len(errs) > 0 {
		t.Fatalf("ParseSchema errors: %v", errs)
	}
	want := Schema{
		Tables:      []Table{{Name: "orders", Line: 2, Columns: []Column{{"coupon_id", "bigint"}}}},
		ForeignKeys: []ForeignKey{{Table: "orders", Columns: []string{"coupon_id"}, RefTable: "coupons", RefColumns: []string{"id"}, Line: 2}},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSchema mismatch (-want +got):\n%s", diff)
	}
}

func TestBodyStatements(t *testing.T) {
	body := `
DECLARE v BIGINT;
BEGIN
  UPDATE sale_items SET remaining = remaining - 1 WHERE id = p RETURNING product_id INTO v;
  SELECT count(*) INTO v FROM orders WHERE user_id = p;
  IF NOT FOUND THEN RETURN NULL; END IF;
  RETURN QUERY SELECT id FROM users WHERE id = v;
  INSERT INTO log (msg) VALUES ('a;b') ON CONFLICT (msg) DO UPDATE SET msg = 'x';
END;`
	got := bodyStatements(body)
	want := []string{
		"UPDATE sale_items SET remaining = remaining - 1 WHERE id = p RETURNING product_id ",
		"SELECT count(*)  FROM orders WHERE user_id = p",
		"SELECT id FROM users WHERE id = v",
		"INSERT INTO log (msg) VALUES ('a;b') ON CONFLICT (msg) DO UPDATE SET msg = 'x'",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bodyStatements mismatch (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if st := Parse(s, Postgres); st.Status != Parsed {
			t.Errorf("Parse(%q) = %s (%s), want parsed", s, st.Status, st.Reason)
		}
	}
}
