-- Demo data for the ledger fixture. Apply after migrations, statement by statement.
INSERT INTO users (id, email, name, password_hash, role) VALUES
  (1, 'ada@example.com', 'Ada Admin', 'sha256:8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918', 'admin'),
  (2, 'carl@example.com', 'Carl Clerk', 'sha256:8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918', 'clerk');

INSERT INTO customers (id, name, email, tax_number, created_by) VALUES
  (1, 'Acme GmbH', 'billing@acme.example', 'DE123456789', 1),
  (2, 'Globex SARL', 'ap@globex.example', 'FR987654321', 1),
  (3, 'Initech Ltd', 'finance@initech.example', NULL, 2);

INSERT INTO customer_contacts (customer_id, name, email, phone) VALUES
  (1, 'Wile E.', 'wile@acme.example', '+49 30 1234'),
  (2, 'Hank S.', 'hank@globex.example', NULL);

INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country) VALUES
  (1, 'billing', 'Hauptstr. 1', 'Berlin', '10115', 'DE'),
  (2, 'billing', '1 Rue de la Paix', 'Paris', '75002', 'FR');

INSERT INTO account_groups (id, code, name) VALUES
  (1, 'CA', 'Current assets'), (2, 'CL', 'Current liabilities'), (3, 'INC', 'Income');

INSERT INTO accounts (id, code, name, type, group_id) VALUES
  (1, '1000', 'Cash at bank', 'asset', 1),
  (2, '1100', 'Accounts receivable', 'asset', 1),
  (3, '2200', 'Sales tax payable', 'liability', 2),
  (4, '4000', 'Subscription revenue', 'revenue', 3),
  (5, '4900', 'Refunds', 'expense', 3);

INSERT INTO fiscal_periods (id, name, starts_on, ends_on, status) VALUES
  (1, 'FY2025', '2025-01-01', '2025-12-31', 'closed'),
  (2, 'OPEN', '2026-01-01', '2099-12-31', 'open');

INSERT INTO tax_jurisdictions (id, code, name, country) VALUES
  (1, 'DE', 'Germany', 'DE'), (2, 'FR', 'France', 'FR');

INSERT INTO tax_rates (id, jurisdiction_id, name, rate_bps, valid_from, valid_to) VALUES
  (1, 1, 'DE standard', 1900, '2020-01-01', NULL),
  (2, 2, 'FR standard', 2000, '2020-01-01', NULL);

INSERT INTO tax_exemptions (customer_id, jurisdiction_id, certificate, expires_on) VALUES
  (3, 1, 'EX-2026-001', '2030-12-31');

INSERT INTO invoice_sequences (prefix, next_number) VALUES ('INV', 3);

INSERT INTO journal_entries (id, period_id, entry_date, memo, source, source_id, created_by) VALUES
  (1, 2, '2026-02-01', 'Invoice INV-1', 'invoice', 1, 1),
  (2, 2, '2026-02-03', 'Invoice INV-2', 'invoice', 2, 1);

INSERT INTO journal_lines (entry_id, account_id, debit_cents, credit_cents) VALUES
  (1, 2, 119000, 0), (1, 4, 0, 100000), (1, 3, 0, 19000),
  (2, 2, 60000, 0), (2, 4, 0, 50000), (2, 3, 0, 10000);

INSERT INTO invoices (id, number, customer_id, status, currency, subtotal_cents, tax_cents, total_cents, issued_on, due_on, journal_entry_id) VALUES
  (1, 'INV-1', 1, 'issued', 'EUR', 100000, 19000, 119000, '2026-02-01', '2026-03-03', 1),
  (2, 'INV-2', 2, 'issued', 'EUR', 50000, 10000, 60000, '2026-02-03', '2026-03-05', 2);

INSERT INTO invoice_lines (invoice_id, description, quantity, unit_price_cents, tax_rate_id, line_total_cents) VALUES
  (1, 'Pro plan, February', 1, 100000, 1, 100000),
  (2, 'Starter plan, February', 2, 25000, 2, 50000);

INSERT INTO saved_reports (id, name, sql_text, created_by) VALUES
  (1, 'open-invoices', 'SELECT number, total_cents - amount_paid_cents AS open_cents FROM invoices WHERE status = ''issued'' ORDER BY number', 1);
