package platform

import (
	"fmt"
	"strconv"
	"strings"
)

// Cents is an amount of money in the smallest currency unit.
type Cents int64

// String formats c as a decimal amount with two fraction digits ("12.34").
func (c Cents) String() string {
	sign := ""
	if c < 0 {
		sign, c = "-", -c
	}
	return fmt.Sprintf("%s%d.%02d", sign, int64(c)/100, int64(c)%100)
}

// ParseCents parses "12.34" or "12" into cents.
func ParseCents(s string) (Cents, error) {
	whole, frac, _ := strings.Cut(strings.TrimSpace(s), ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("parse amount %q: %w", s, err)
	}
	var f int64
	if frac != "" {
		if len(frac) > 2 {
			return 0, fmt.Errorf("parse amount %q: more than two decimals", s)
		}
		if len(frac) == 1 {
			frac += "0"
		}
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, fmt.Errorf("parse amount %q: %w", s, err)
		}
	}
	if w < 0 || strings.HasPrefix(whole, "-") {
		return Cents(w*100 - f), nil
	}
	return Cents(w*100 + f), nil
}

// ApplyBasisPoints returns c × bps / 10000, rounded half up.
func ApplyBasisPoints(c Cents, bps int) Cents {
	return Cents((int64(c)*int64(bps) + 5000) / 10000)
}
