package reporting

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"

	"example.com/ledger/internal/customers"
	"example.com/ledger/internal/invoicing"
	"example.com/ledger/internal/platform"
	"github.com/gin-gonic/gin"
)

func (h *Handler) customerStatement(c *gin.Context, id platform.ID) {
	ctx := c.Request.Context()
	names, err := customers.NamesByID(ctx, h.db, []int64{int64(id)})
	if err != nil {
		fail(c, http.StatusInternalServerError, err)
		return
	}
	name, ok := names[int64(id)]
	if !ok {
		c.JSON(http.StatusNotFound, gin.H{"error": "statement: no such customer"})
		return
	}
	rows, err := h.run(ctx, "customer_statement", id, id)
	if err != nil {
		fail(c, http.StatusInternalServerError, err)
		return
	}
	var balance int64
	for _, r := range rows {
		balance += toInt(r["amount_cents"])
	}
	c.JSON(http.StatusOK, gin.H{"customer": name, "rows": rows, "balance_cents": balance})
}

// agedReceivables groups open invoices by the aging buckets invoicing uses on its screens.
func (h *Handler) agedReceivables(c *gin.Context) {
	rows, err := h.run(c.Request.Context(), "aged_receivables")
	if err != nil {
		fail(c, http.StatusInternalServerError, err)
		return
	}
	buckets := map[string]int64{}
	for _, r := range rows {
		b := invoicing.AgingBucket(int(toInt(r["days_past_due"])))
		r["bucket"] = b
		buckets[b] += toInt(r["open_cents"])
	}
	c.JSON(http.StatusOK, gin.H{"report": "aged_receivables", "rows": rows, "buckets": buckets})
}

func (h *Handler) periodBalances(c *gin.Context) {
	id, err := platform.ParseID(c.Param("id"))
	if err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	var out []struct {
		Code   string         `db:"code" json:"code"`
		Debit  platform.Cents `db:"debit_cents" json:"debit_cents"`
		Credit platform.Cents `db:"credit_cents" json:"credit_cents"`
	}
	if err := h.db.SelectContext(c.Request.Context(), &out, "SELECT a.code, b.debit_cents, b.credit_cents FROM period_balances b JOIN accounts a ON a.id = b.account_id WHERE b.period_id = ? ORDER BY a.code", id); err != nil { // want sql period_balances:read accounts:read
		fail(c, http.StatusInternalServerError, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"period_id": id, "balances": out})
}

func toInt(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseFloat(x, 64)
		return int64(n)
	case float64:
		return int64(x)
	}
	return 0
}

func writeCSV(w io.Writer, rows []Row) {
	cw := csv.NewWriter(w)
	if len(rows) == 0 {
		cw.Flush()
		return
	}
	cols := make([]string, 0, len(rows[0]))
	for k := range rows[0] {
		cols = append(cols, k)
	}
	sort.Strings(cols)
	_ = cw.Write(cols)
	for _, r := range rows {
		rec := make([]string, len(cols))
		for i, k := range cols {
			if r[k] != nil {
				rec[i] = toString(r[k])
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
}

func toString(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
