package invoicing

// Invoicing needs the billing name and country of a customer. Instead of asking the customers
// feature, this file reads the customers' tables directly.

import (
	"context"
	"fmt"

	"example.com/ledger/internal/platform"
	"github.com/jmoiron/sqlx"
)

type billing struct {
	Name      string  `db:"name"`
	Email     string  `db:"email"`
	TaxNumber *string `db:"tax_number"`
	Country   string  `db:"country"`
}

// billingProfile returns the active customer's billing data, country defaulting to DE.
func billingProfile(ctx context.Context, db *sqlx.DB, customerID platform.ID) (billing, error) {
	var b billing
	err := db.GetContext(ctx, &b, billingProfileSQL, customerID) // want sql customers:read customer_addresses:read
	if err != nil {
		return billing{}, fmt.Errorf("billing profile of customer %d: %w", customerID, err)
	}
	return b, nil
}

const billingProfileSQL = "SELECT c.name, c.email, c.tax_number, COALESCE(a.country, 'DE') AS country " +
	"FROM customers c LEFT JOIN customer_addresses a ON a.customer_id = c.id AND a.kind = 'billing' " +
	"WHERE c.id = ? AND c.status = 'active'"
