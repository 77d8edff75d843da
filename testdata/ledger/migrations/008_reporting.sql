-- Reporting: closed-period balances, saved ad-hoc reports and a run log.
CREATE TABLE `period_balances` (
  `period_id` BIGINT NOT NULL,
  `account_id` BIGINT NOT NULL,
  `debit_cents` BIGINT NOT NULL DEFAULT 0,
  `credit_cents` BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (`period_id`, `account_id`),
  CONSTRAINT `fk_balances_period` FOREIGN KEY (`period_id`) REFERENCES `fiscal_periods` (`id`), -- want fk period_balances.period_id -> fiscal_periods.id
  CONSTRAINT `fk_balances_account` FOREIGN KEY (`account_id`) REFERENCES `accounts` (`id`) -- want fk period_balances.account_id -> accounts.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `saved_reports` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `name` VARCHAR(100) NOT NULL,
  `sql_text` TEXT NOT NULL,
  `created_by` BIGINT NULL,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_saved_reports_name` (`name`),
  CONSTRAINT `fk_saved_reports_user` FOREIGN KEY (`created_by`) REFERENCES `users` (`id`) ON DELETE SET NULL -- want fk saved_reports.created_by -> users.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `report_runs` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `report_name` VARCHAR(100) NOT NULL,
  `params` VARCHAR(255) NOT NULL DEFAULT '',
  `row_count` INT NOT NULL DEFAULT 0,
  `ran_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
