-- Payments received, how they are allocated to invoices, and refunds.
CREATE TABLE `payments` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `customer_id` BIGINT NOT NULL,
  `amount_cents` BIGINT NOT NULL,
  `method` VARCHAR(16) NOT NULL,
  `reference` VARCHAR(64) NOT NULL,
  `status` VARCHAR(16) NOT NULL DEFAULT 'settled',
  `received_on` DATE NOT NULL,
  `journal_entry_id` BIGINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_payments_reference` (`reference`),
  CONSTRAINT `fk_payments_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`), -- want fk payments.customer_id -> customers.id
  CONSTRAINT `fk_payments_entry` FOREIGN KEY (`journal_entry_id`) REFERENCES `journal_entries` (`id`) -- want fk payments.journal_entry_id -> journal_entries.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `payment_allocations` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `payment_id` BIGINT NOT NULL,
  `invoice_id` BIGINT NOT NULL,
  `amount_cents` BIGINT NOT NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_allocations_payment` FOREIGN KEY (`payment_id`) REFERENCES `payments` (`id`) ON DELETE CASCADE, -- want fk payment_allocations.payment_id -> payments.id
  CONSTRAINT `fk_allocations_invoice` FOREIGN KEY (`invoice_id`) REFERENCES `invoices` (`id`) -- want fk payment_allocations.invoice_id -> invoices.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `refunds` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `payment_id` BIGINT NOT NULL,
  `amount_cents` BIGINT NOT NULL,
  `reason` VARCHAR(255) NOT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_refunds_payment` FOREIGN KEY (`payment_id`) REFERENCES `payments` (`id`) -- want fk refunds.payment_id -> payments.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
