-- General ledger: fiscal periods, journal entries and their lines.
CREATE TABLE `fiscal_periods` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `name` VARCHAR(32) NOT NULL,
  `starts_on` DATE NOT NULL,
  `ends_on` DATE NOT NULL,
  `status` ENUM('open','closed') NOT NULL DEFAULT 'open',
  `closed_at` DATETIME NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_fiscal_periods_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `journal_entries` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `period_id` BIGINT NOT NULL,
  `entry_date` DATE NOT NULL,
  `memo` VARCHAR(255) NOT NULL,
  `source` VARCHAR(32) NOT NULL DEFAULT 'manual',
  `source_id` BIGINT NULL,
  `created_by` BIGINT NULL,
  `reversed_by_id` BIGINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  KEY `ix_journal_entries_source` (`source`, `source_id`),
  CONSTRAINT `fk_entries_period` FOREIGN KEY (`period_id`) REFERENCES `fiscal_periods` (`id`), -- want fk journal_entries.period_id -> fiscal_periods.id
  CONSTRAINT `fk_entries_created_by` FOREIGN KEY (`created_by`) REFERENCES `users` (`id`) ON DELETE SET NULL, -- want fk journal_entries.created_by -> users.id
  CONSTRAINT `fk_entries_reversed_by` FOREIGN KEY (`reversed_by_id`) REFERENCES `journal_entries` (`id`) -- want fk journal_entries.reversed_by_id -> journal_entries.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `journal_lines` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `entry_id` BIGINT NOT NULL,
  `account_id` BIGINT NOT NULL,
  `debit_cents` BIGINT NOT NULL DEFAULT 0,
  `credit_cents` BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_lines_entry` FOREIGN KEY (`entry_id`) REFERENCES `journal_entries` (`id`) ON DELETE CASCADE, -- want fk journal_lines.entry_id -> journal_entries.id
  CONSTRAINT `fk_lines_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) -- want fk journal_lines.account_id -> accounts.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
