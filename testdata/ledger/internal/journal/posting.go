// Package journal owns the general ledger: fiscal periods, journal entries and lines.
// Post is the one way to write an entry; other features call it with their transaction.
package journal

import (
	"context"
	"errors"
	"fmt"
	"time"

	"example.com/ledger/internal/accounts"
	"example.com/ledger/internal/platform"
	"github.com/jmoiron/sqlx"
)

// Line is one side of an entry, by account code.
type Line struct {
	AccountCode string         `json:"account_code"`
	Debit       platform.Cents `json:"debit_cents"`
	Credit      platform.Cents `json:"credit_cents"`
}

// Entry is a balanced journal entry to post.
type Entry struct {
	Date      time.Time    `json:"date"`
	Memo      string       `json:"memo"`
	Source    string       `json:"source"`
	SourceID  *platform.ID `json:"source_id,omitempty"`
	CreatedBy *platform.ID `json:"created_by,omitempty"`
	Lines     []Line       `json:"lines"`
}

// ErrUnbalanced is returned by Post when debits and credits differ.
var ErrUnbalanced = errors.New("entry is not balanced")

type lineRow struct {
	EntryID   int64          `db:"entry_id"`
	AccountID int64          `db:"account_id"`
	Debit     platform.Cents `db:"debit_cents"`
	Credit    platform.Cents `db:"credit_cents"`
}

// Post writes e on tx and returns the entry id. The caller commits.
func Post(ctx context.Context, tx *sqlx.Tx, e Entry) (platform.ID, error) {
	var debit, credit platform.Cents
	codes := make([]string, 0, len(e.Lines))
	for _, l := range e.Lines {
		debit += l.Debit
		credit += l.Credit
		codes = append(codes, accounts.NormalizeCode(l.AccountCode))
	}
	if debit != credit || debit == 0 {
		return 0, fmt.Errorf("post entry %q: %w (debit %s, credit %s)", e.Memo, ErrUnbalanced, debit, credit)
	}
	if e.Source == "" {
		e.Source = "manual"
	}
	var periodID int64
	err := tx.GetContext(ctx, &periodID, "SELECT id FROM fiscal_periods WHERE status = 'open' AND ? BETWEEN starts_on AND ends_on", e.Date) // want sql fiscal_periods:read
	if err != nil {
		return 0, fmt.Errorf("post entry %q: no open period for %s: %w", e.Memo, e.Date.Format(time.DateOnly), err)
	}
	ids, err := accountIDs(ctx, tx, codes)
	if err != nil {
		return 0, fmt.Errorf("post entry %q: %w", e.Memo, err)
	}
	res, err := tx.ExecContext(ctx, insertEntry, periodID, e.Date, e.Memo, e.Source, e.SourceID, e.CreatedBy) // want sql journal_entries:insert
	if err != nil {
		return 0, fmt.Errorf("post entry %q: %w", e.Memo, err)
	}
	entryID, _ := res.LastInsertId()
	rows := make([]lineRow, len(e.Lines))
	for i, l := range e.Lines {
		rows[i] = lineRow{EntryID: entryID, AccountID: ids[codes[i]], Debit: l.Debit, Credit: l.Credit}
	}
	if _, err := tx.NamedExecContext(ctx, insertLines, rows); err != nil { // want sql journal_lines:insert
		return 0, fmt.Errorf("post entry %q lines: %w", e.Memo, err)
	}
	return platform.ID(entryID), nil
}

const insertEntry = `INSERT INTO journal_entries (period_id, entry_date, memo, source, source_id, created_by)
VALUES (?, ?, ?, ?, ?, ?)`

const insertLines = `INSERT INTO journal_lines (entry_id, account_id, debit_cents, credit_cents)
VALUES (:entry_id, :account_id, :debit_cents, :credit_cents)`

// accountIDs maps account codes to ids. It reads the chart directly instead of asking accounts.
func accountIDs(ctx context.Context, tx *sqlx.Tx, codes []string) (map[string]int64, error) {
	q, args, err := sqlx.In("SELECT id, code FROM accounts WHERE active = 1 AND code IN (?)", codes)
	if err != nil {
		return nil, err
	}
	var found []struct {
		ID   int64  `db:"id"`
		Code string `db:"code"`
	}
	if err := tx.SelectContext(ctx, &found, tx.Rebind(q), args...); err != nil { // want sql accounts:read
		return nil, err
	}
	out := make(map[string]int64, len(found))
	for _, f := range found {
		out[f.Code] = f.ID
	}
	for _, c := range codes {
		if _, ok := out[c]; !ok {
			return nil, fmt.Errorf("unknown or inactive account %q", c)
		}
	}
	return out, nil
}
