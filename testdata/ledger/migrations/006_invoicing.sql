-- Invoicing: invoices, their lines and per-prefix number sequences.
CREATE TABLE `invoice_sequences` (
  `prefix` VARCHAR(8) NOT NULL,
  `next_number` BIGINT NOT NULL DEFAULT 1,
  PRIMARY KEY (`prefix`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `invoices` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `number` VARCHAR(32) NOT NULL,
  `customer_id` BIGINT NOT NULL,
  `status` ENUM('draft','issued','paid','void') NOT NULL DEFAULT 'draft',
  `currency` CHAR(3) NOT NULL DEFAULT 'EUR',
  `subtotal_cents` BIGINT NOT NULL DEFAULT 0,
  `tax_cents` BIGINT NOT NULL DEFAULT 0,
  `total_cents` BIGINT NOT NULL DEFAULT 0,
  `amount_paid_cents` BIGINT NOT NULL DEFAULT 0,
  `issued_on` DATE NOT NULL,
  `due_on` DATE NOT NULL,
  `journal_entry_id` BIGINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_invoices_number` (`number`),
  KEY `ix_invoices_customer` (`customer_id`, `status`),
  CONSTRAINT `fk_invoices_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`), -- want fk invoices.customer_id -> customers.id
  CONSTRAINT `fk_invoices_entry` FOREIGN KEY (`journal_entry_id`) REFERENCES `journal_entries` (`id`) -- want fk invoices.journal_entry_id -> journal_entries.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `invoice_lines` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `invoice_id` BIGINT NOT NULL,
  `description` VARCHAR(255) NOT NULL,
  `quantity` INT NOT NULL DEFAULT 1,
  `unit_price_cents` BIGINT NOT NULL,
  `tax_rate_id` BIGINT NULL,
  `line_total_cents` BIGINT NOT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_invoice_lines_invoice` FOREIGN KEY (`invoice_id`) REFERENCES `invoices` (`id`) ON DELETE CASCADE, -- want fk invoice_lines.invoice_id -> invoices.id
  CONSTRAINT `fk_invoice_lines_tax_rate` FOREIGN KEY (`tax_rate_id`) REFERENCES `tax_rates` (`id`) -- want fk invoice_lines.tax_rate_id -> tax_rates.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
