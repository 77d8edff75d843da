-- apply: whole-file
-- close_period snapshots the period's account balances into period_balances, marks the fiscal
-- period closed and logs a report run. It is one statement (no DELIMITER needed when sent
-- through a driver): apply this file as a whole.
CREATE PROCEDURE close_period(IN p_period_id BIGINT)
BEGIN
  DELETE FROM period_balances WHERE period_id = p_period_id;
  INSERT INTO period_balances (period_id, account_id, debit_cents, credit_cents)
    SELECT e.period_id, l.account_id, SUM(l.debit_cents), SUM(l.credit_cents)
    FROM journal_lines l JOIN journal_entries e ON e.id = l.entry_id
    WHERE e.period_id = p_period_id
    GROUP BY e.period_id, l.account_id;
  UPDATE fiscal_periods SET status = 'closed', closed_at = NOW() WHERE id = p_period_id;
  INSERT INTO report_runs (report_name, params, row_count, ran_at)
    VALUES ('close_period', CAST(p_period_id AS CHAR), ROW_COUNT(), NOW());
END
