package dbsplit

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/jmoiron/sqlx"

	"github.com/carve-go/carve/analyzer/facts"
)

// DialectOf tells which server a DSN is for: postgres for URLs with the postgres:// or
// postgresql:// scheme and for key=value strings ("host=... dbname=..."), mysql for
// go-sql-driver DSNs ("user:pass@tcp(host:3306)/db") and mysql:// URLs.
func DialectOf(dsn string) (facts.Dialect, error) {
	d := strings.TrimSpace(dsn)
	switch {
	case d == "":
		return "", fmt.Errorf("dsn: empty")
	case strings.HasPrefix(d, "postgres://"), strings.HasPrefix(d, "postgresql://"):
		return "postgres", nil
	case strings.HasPrefix(d, "mysql://"):
		return "mysql", nil
	case kvDSN.MatchString(d) && !strings.Contains(d, "@"):
		return "postgres", nil
	case strings.Contains(d, "@") || strings.Contains(d, "/"):
		if _, err := mysql.ParseDSN(d); err == nil {
			return "mysql", nil
		}
	}
	// The DSN is not echoed: in a form we cannot parse we cannot find its password either.
	return "", fmt.Errorf("dsn: unrecognised form; want postgres://user@host/db, host=... dbname=..., or user@tcp(host:port)/db")
}

var kvDSN = regexp.MustCompile(`^\s*\w+\s*=`)

var (
	urlPassword = regexp.MustCompile(`(?i)(\b[a-z][a-z0-9+.-]*://[^:/@\s]*:)([^@\s]*)(@)`)
	kvPassword  = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]*)`)
	myPassword  = regexp.MustCompile(`(^|[\s"'(=])([^:@/\s"'()]+:)([^@\s]*)(@(?:tcp|unix|udp|tcp6)?\()`)
	qsPassword  = regexp.MustCompile(`(?i)([?&](?:password|passwd|pwd)=)([^&\s]*)`)
)

// MaskDSN returns s with every password of a DSN in it replaced by "xxxxx": URL user info
// (postgres://u:secret@h), key=value strings (password=secret), go-sql-driver DSNs
// (u:secret@tcp(h)/db) and password query parameters. Use it on every message that may hold a
// DSN, including errors from drivers.
func MaskDSN(s string) string {
	s = urlPassword.ReplaceAllString(s, "${1}xxxxx${3}")
	s = kvPassword.ReplaceAllString(s, "${1}xxxxx")
	s = myPassword.ReplaceAllString(s, "${1}${2}xxxxx${4}")
	s = qsPassword.ReplaceAllString(s, "${1}xxxxx")
	return s
}

// maskErr returns err with its text masked (MaskDSN) and every literal password of the DSNs
// given removed, so driver errors that echo connection strings leak nothing.
func maskErr(err error, dsns ...string) error {
	if err == nil {
		return nil
	}
	msg := MaskDSN(err.Error())
	for _, d := range dsns {
		if p := passwordOf(d); len(p) >= 3 {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return &maskedError{msg: msg, err: err}
}

type maskedError struct {
	msg string
	err error
}

func (e *maskedError) Error() string { return e.msg }
func (e *maskedError) Unwrap() error { return e.err }

// passwordOf returns the password of a DSN, or "".
func passwordOf(dsn string) string {
	d, err := DialectOf(dsn)
	if err != nil {
		return ""
	}
	if d == "mysql" {
		if strings.HasPrefix(dsn, "mysql://") {
			if u, err := url.Parse(dsn); err == nil {
				p, _ := u.User.Password()
				return p
			}
			return ""
		}
		if c, err := mysql.ParseDSN(dsn); err == nil {
			return c.Passwd
		}
		return ""
	}
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" {
		if p, ok := u.User.Password(); ok {
			return p
		}
		return u.Query().Get("password")
	}
	if m := kvPassword.FindStringSubmatch(dsn); m != nil {
		return strings.Trim(m[2], "'")
	}
	return ""
}

// mysqlConfig parses a MySQL DSN in go-sql-driver form or as a mysql:// URL.
func mysqlConfig(dsn string) (*mysql.Config, error) {
	if strings.HasPrefix(dsn, "mysql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return nil, fmt.Errorf("dsn: %v", maskErr(err, dsn))
		}
		c := mysql.NewConfig()
		c.User = u.User.Username()
		c.Passwd, _ = u.User.Password()
		c.Net = "tcp"
		c.Addr = u.Host
		if u.Port() == "" {
			c.Addr = u.Host + ":3306"
		}
		c.DBName = strings.TrimPrefix(u.Path, "/")
		c.Params = map[string]string{}
		for k, v := range u.Query() {
			c.Params[k] = v[0]
		}
		return c, nil
	}
	c, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, fmt.Errorf("dsn: %v", maskErr(err, dsn))
	}
	return c, nil
}

// withDatabase returns dsn pointing at database name instead of its own.
func withDatabase(dsn string, d facts.Dialect, name string) (string, error) {
	if d == "mysql" {
		c, err := mysqlConfig(dsn)
		if err != nil {
			return "", err
		}
		c.DBName = name
		return c.FormatDSN(), nil
	}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		u.Path = "/" + name
		return u.String(), nil
	}
	re := regexp.MustCompile(`(?i)\bdbname\s*=\s*('(?:[^'\\]|\\.)*'|\S*)`)
	if re.MatchString(dsn) {
		return re.ReplaceAllString(dsn, "dbname="+name), nil
	}
	return strings.TrimSpace(dsn) + " dbname=" + name, nil
}

// withUser returns a MySQL dsn that logs in as user with password.
func withUser(dsn, user, password string) (string, error) {
	c, err := mysqlConfig(dsn)
	if err != nil {
		return "", err
	}
	c.User, c.Passwd = user, password
	return c.FormatDSN(), nil
}

// Open connects to the database of dsn with the driver its dialect needs (pgx or mysql) and
// checks the connection within 10 seconds. Errors never hold the password.
func Open(ctx context.Context, dsn string) (*sqlx.DB, facts.Dialect, error) {
	d, err := DialectOf(dsn)
	if err != nil {
		return nil, "", fmt.Errorf("open: %v", err)
	}
	driver, src := "pgx", dsn
	if d == "mysql" {
		c, err := mysqlConfig(dsn)
		if err != nil {
			return nil, "", fmt.Errorf("open: %v", err)
		}
		c.MultiStatements = false
		c.ParseTime = true
		if c.Timeout == 0 {
			c.Timeout = 10 * time.Second
		}
		driver, src = "mysql", c.FormatDSN()
	}
	db, err := sqlx.Open(driver, src)
	if err != nil {
		return nil, "", fmt.Errorf("open %s: %v", MaskDSN(dsn), maskErr(err, dsn))
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, "", fmt.Errorf("open %s: %v", MaskDSN(dsn), maskErr(err, dsn))
	}
	return db, d, nil
}
