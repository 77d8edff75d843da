// Package money holds the shop's money type: integer cents in one currency.
package money

import "fmt"

// Cents is an amount in the smallest unit of a currency.
type Cents int64

// String formats c as units with two decimals, e.g. "12.90".
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, c/100, c%100)
}

// Percent returns c reduced by pct percent, rounded down to a cent.
func (c Cents) Percent(pct int) Cents {
	return c - c*Cents(pct)/100
}

// Times returns c multiplied by a quantity.
func (c Cents) Times(qty int) Cents { return c * Cents(qty) }
