package reporting

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"example.com/ledger/internal/platform"
	"github.com/gin-gonic/gin"
)

type savedReport struct {
	ID        int64  `db:"id" json:"id"`
	Name      string `db:"name" json:"name"`
	SQLText   string `db:"sql_text" json:"sql_text"`
	CreatedBy *int64 `db:"created_by" json:"created_by,omitempty"`
}

func (h *Handler) listSaved(c *gin.Context) {
	out := []savedReport{}
	if err := h.db.SelectContext(c.Request.Context(), &out, "SELECT id, name, sql_text, created_by FROM saved_reports ORDER BY name"); err != nil { // want sql saved_reports:read
		fail(c, http.StatusInternalServerError, err)
		return
	}
	c.JSON(http.StatusOK, out)
}

func (h *Handler) createSaved(c *gin.Context) {
	var in savedReport
	if err := c.ShouldBindJSON(&in); err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	if err := checkReadOnly(in.SQLText); err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	res, err := h.db.NamedExecContext(c.Request.Context(), "INSERT INTO saved_reports (name, sql_text, created_by) VALUES (:name, :sql_text, :created_by)", in) // want sql saved_reports:insert
	if err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	in.ID, _ = res.LastInsertId()
	c.JSON(http.StatusCreated, in)
}

// checkReadOnly accepts one SELECT statement and nothing else.
func checkReadOnly(q string) error {
	t := strings.ToUpper(strings.TrimSpace(q))
	if !strings.HasPrefix(t, "SELECT ") || strings.Contains(strings.TrimSuffix(t, ";"), ";") {
		return errors.New("saved report: only a single SELECT statement is allowed")
	}
	return nil
}

// runSaved runs the SQL a user stored: which tables it reads is only known at run time.
func (h *Handler) runSaved(c *gin.Context) {
	id, err := platform.ParseID(c.Param("id"))
	if err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	ctx := c.Request.Context()
	var def savedReport
	if err := h.db.GetContext(ctx, &def, "SELECT id, name, sql_text, created_by FROM saved_reports WHERE id = ?", id); err != nil { // want sql saved_reports:read
		fail(c, http.StatusNotFound, fmt.Errorf("run saved report %d: %w", id, err))
		return
	}
	if err := checkReadOnly(def.SQLText); err != nil {
		fail(c, http.StatusBadRequest, err)
		return
	}
	rows, err := h.db.QueryxContext(ctx, def.SQLText) // want sql unresolved
	if err != nil {
		fail(c, http.StatusBadRequest, fmt.Errorf("run saved report %q: %w", def.Name, err))
		return
	}
	out, err := scanRows(rows)
	if err != nil {
		fail(c, http.StatusInternalServerError, err)
		return
	}
	h.logRun(ctx, "saved:"+def.Name, "", len(out))
	c.JSON(http.StatusOK, gin.H{"report": def.Name, "rows": out})
}
