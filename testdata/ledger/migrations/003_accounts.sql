-- Chart of accounts.
CREATE TABLE `account_groups` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `code` VARCHAR(16) NOT NULL,
  `name` VARCHAR(100) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_account_groups_code` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `accounts` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `code` VARCHAR(16) NOT NULL,
  `name` VARCHAR(100) NOT NULL,
  `type` ENUM('asset','liability','equity','revenue','expense') NOT NULL,
  `group_id` BIGINT NULL,
  `active` TINYINT(1) NOT NULL DEFAULT 1,
  `created_at` DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_accounts_code` (`code`),
  CONSTRAINT `fk_accounts_group` FOREIGN KEY (`group_id`) REFERENCES `account_groups` (`id`) -- want fk accounts.group_id -> account_groups.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
