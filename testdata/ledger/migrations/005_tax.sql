-- Sales tax: jurisdictions, rates over time, customer exemptions.
CREATE TABLE `tax_jurisdictions` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `code` VARCHAR(16) NOT NULL,
  `name` VARCHAR(100) NOT NULL,
  `country` CHAR(2) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_tax_jurisdictions_code` (`code`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `tax_rates` (
  `id` BIGINT NOT NULL AUTO_INCREMENT,
  `jurisdiction_id` BIGINT NOT NULL,
  `name` VARCHAR(100) NOT NULL,
  `rate_bps` INT NOT NULL,
  `valid_from` DATE NOT NULL,
  `valid_to` DATE NULL,
  PRIMARY KEY (`id`),
  CONSTRAINT `fk_tax_rates_jurisdiction` FOREIGN KEY (`jurisdiction_id`) REFERENCES `tax_jurisdictions` (`id`) -- want fk tax_rates.jurisdiction_id -> tax_jurisdictions.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE `tax_exemptions` (
  `customer_id` BIGINT NOT NULL,
  `jurisdiction_id` BIGINT NOT NULL,
  `certificate` VARCHAR(64) NOT NULL,
  `expires_on` DATE NULL,
  PRIMARY KEY (`customer_id`, `jurisdiction_id`),
  CONSTRAINT `fk_exemptions_customer` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE, -- want fk tax_exemptions.customer_id -> customers.id
  CONSTRAINT `fk_exemptions_jurisdiction` FOREIGN KEY (`jurisdiction_id`) REFERENCES `tax_jurisdictions` (`id`) -- want fk tax_exemptions.jurisdiction_id -> tax_jurisdictions.id
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
