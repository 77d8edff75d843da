// Package reporting serves financial reports (API v2, on gin). It reads every other feature's
// tables through the named queries in queries/reporting.sql and owns the closed-period
// balances, saved ad-hoc reports and the report run log.
package reporting

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"
	"strings"

	"example.com/ledger/internal/platform"
	"example.com/ledger/internal/platform/namedsql"
	"github.com/gin-gonic/gin"
	"github.com/jmoiron/sqlx"
)

//go:embed queries/reporting.sql
var reportingSQL string

// Handler serves /api/v2.
type Handler struct {
	db      *sqlx.DB
	queries namedsql.Queries
}

// New parses the embedded named queries and returns the reporting handler.
func New(db *sqlx.DB) (*Handler, error) {
	qs, err := namedsql.Parse("queries/reporting.sql", reportingSQL)
	if err != nil {
		return nil, fmt.Errorf("reporting: %w", err)
	}
	return &Handler{db: db, queries: qs}, nil
}

// Engine returns the gin engine serving every /api/v2 route. It is mounted under the
// /api/v2/ prefix of the main router without stripping it, so routes carry the full path.
func (h *Handler) Engine() *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	e.Use(gin.Recovery())
	v2 := e.Group("/api/v2")
	reports := v2.Group("/reports")
	reports.GET("/trial-balance", h.trialBalance)           // want route GET /api/v2/reports/trial-balance
	reports.GET("/aged-receivables", h.agedReceivables)     // want route GET /api/v2/reports/aged-receivables
	reports.GET("/revenue", h.named("revenue_by_month"))    // want route GET /api/v2/reports/revenue
	reports.GET("/tax-summary", h.named("tax_summary"))     // want route GET /api/v2/reports/tax-summary
	reports.GET("/top-customers", h.named("top_customers")) // want route GET /api/v2/reports/top-customers
	reports.GET("/customers/:id/statement", h.statement)    // want route GET /api/v2/reports/customers/{id}/statement
	v2.GET("/periods/:id/balances", h.periodBalances)       // want route GET /api/v2/periods/{id}/balances
	saved := v2.Group("/saved-reports")
	saved.GET("", h.listSaved)         // want route GET /api/v2/saved-reports
	saved.POST("", h.createSaved)      // want route POST /api/v2/saved-reports
	saved.POST("/:id/run", h.runSaved) // want route POST /api/v2/saved-reports/{id}/run
	v2.GET("/exports/*file", h.export) // want route GET /api/v2/exports/{file...}
	return e
}

// Row is one result row with column names as keys.
type Row map[string]any

// run executes the named query. The SQL text comes from queries/reporting.sql, where each
// statement carries its expectation marker.
func (h *Handler) run(ctx context.Context, name string, args ...any) ([]Row, error) {
	q, err := h.queries.Lookup(name)
	if err != nil {
		return nil, err
	}
	rows, err := h.db.QueryxContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	out, err := scanRows(rows)
	if err != nil {
		return nil, fmt.Errorf("report %s: %w", name, err)
	}
	h.logRun(ctx, name, fmt.Sprint(args...), len(out))
	return out, nil
}

func scanRows(rows *sqlx.Rows) ([]Row, error) {
	defer rows.Close()
	out := []Row{}
	for rows.Next() {
		m := map[string]any{}
		if err := rows.MapScan(m); err != nil {
			return nil, err
		}
		for k, v := range m {
			if b, ok := v.([]byte); ok {
				m[k] = string(b)
			}
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func (h *Handler) logRun(ctx context.Context, name, params string, n int) {
	if _, err := h.db.ExecContext(ctx, "INSERT INTO report_runs (report_name, params, row_count) VALUES (?, ?, ?)", name, params, n); err != nil { // want sql report_runs:insert
		platform.Logger.Warn("log report run", "report", name, "err", err)
	}
}

func fail(c *gin.Context, status int, err error) {
	platform.Logger.Warn("report failed", "path", c.Request.URL.Path, "err", err)
	c.JSON(status, gin.H{"error": err.Error()})
}

func (h *Handler) named(name string) gin.HandlerFunc {
	return func(c *gin.Context) {
		rows, err := h.run(c.Request.Context(), name)
		if err != nil {
			fail(c, http.StatusInternalServerError, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"report": name, "rows": rows})
	}
}

func (h *Handler) trialBalance(c *gin.Context) {
	period := c.DefaultQuery("period", "OPEN")
	rows, err := h.run(c.Request.Context(), "trial_balance", period)
	if err != nil {
		fail(c, http.StatusInternalServerError, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"report": "trial_balance", "period": period, "rows": rows})
}

func (h *Handler) statement(c *gin.Context) {
	id, err := platform.ParseID(c.Param("id"))
	if err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	h.customerStatement(c, id)
}

func (h *Handler) export(c *gin.Context) {
	file := strings.TrimPrefix(c.Param("file"), "/")
	name, ok := strings.CutSuffix(file, ".csv")
	if !ok {
		fail(c, http.StatusNotFound, fmt.Errorf("export %q: only .csv exports exist", file))
		return
	}
	name = strings.ReplaceAll(name, "-", "_")
	if name == "trial_balance" || name == "customer_statement" {
		fail(c, http.StatusBadRequest, fmt.Errorf("export %q: report needs parameters", file))
		return
	}
	rows, err := h.run(c.Request.Context(), name)
	if err != nil {
		fail(c, http.StatusNotFound, err)
		return
	}
	c.Header("Content-Type", "text/csv")
	c.Status(http.StatusOK)
	writeCSV(c.Writer, rows)
}
