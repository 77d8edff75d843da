-- Named queries of the reporting feature, loaded at start-up by internal/platform/namedsql.
-- Reporting reads every other feature's tables: this file is the read model nobody owns.

-- want sql journal_lines:read journal_entries:read fiscal_periods:read accounts:read
-- name: trial_balance
SELECT a.code, a.name, SUM(l.debit_cents) AS debit_cents, SUM(l.credit_cents) AS credit_cents
FROM journal_lines l
JOIN journal_entries e ON e.id = l.entry_id
JOIN fiscal_periods p ON p.id = e.period_id
JOIN accounts a ON a.id = l.account_id
WHERE p.name = ?
GROUP BY a.code, a.name
ORDER BY a.code;

-- want sql invoices:read customers:read
-- name: aged_receivables
SELECT c.name AS customer, i.number, i.total_cents - i.amount_paid_cents AS open_cents,
       DATEDIFF(CURDATE(), i.due_on) AS days_past_due
FROM invoices i
JOIN customers c ON c.id = i.customer_id
WHERE i.status = 'issued' AND i.issued_on < CURDATE() + INTERVAL 1 DAY
ORDER BY days_past_due DESC, i.number;

-- want sql journal_lines:read journal_entries:read accounts:read
-- name: revenue_by_month
SELECT DATE_FORMAT(e.entry_date, '%Y-%m') AS month, SUM(l.credit_cents - l.debit_cents) AS revenue_cents
FROM journal_lines l
JOIN journal_entries e ON e.id = l.entry_id
JOIN accounts a ON a.id = l.account_id
WHERE a.type = 'revenue' AND e.entry_date >= CURDATE() - INTERVAL 12 MONTH
GROUP BY month
ORDER BY month;

-- want sql invoices:read payments:read
-- name: customer_statement
SELECT 'invoice' AS kind, number AS ref, issued_on AS on_date, total_cents AS amount_cents
FROM invoices WHERE customer_id = ? AND status <> 'void'
UNION ALL
SELECT 'payment' AS kind, reference AS ref, received_on AS on_date, -amount_cents AS amount_cents
FROM payments WHERE customer_id = ?
ORDER BY on_date, ref;

-- want sql invoice_lines:read invoices:read tax_rates:read tax_jurisdictions:read
-- name: tax_summary
SELECT j.code AS jurisdiction, r.name AS rate, SUM(l.line_total_cents) AS taxable_cents,
       SUM(ROUND(l.line_total_cents * r.rate_bps / 10000)) AS tax_cents
FROM invoice_lines l
JOIN invoices i ON i.id = l.invoice_id
JOIN tax_rates r ON r.id = l.tax_rate_id
JOIN tax_jurisdictions j ON j.id = r.jurisdiction_id
WHERE i.status IN ('issued', 'paid')
GROUP BY j.code, r.name
ORDER BY j.code, r.name;

-- want sql customers:read invoices:read payment_allocations:read
-- name: top_customers
SELECT c.id, c.name, SUM(i.total_cents) AS billed_cents,
       (SELECT COALESCE(SUM(pa.amount_cents), 0) FROM payment_allocations pa
          JOIN invoices i2 ON i2.id = pa.invoice_id WHERE i2.customer_id = c.id) AS paid_cents
FROM customers c
JOIN invoices i ON i.customer_id = c.id
GROUP BY c.id, c.name
ORDER BY billed_cents DESC
LIMIT 0, 10;
