package store

import (
	"context"
	"database/sql"
	"time"
)

// Coupon is a discount code.
type Coupon struct {
	Code       string     `json:"code"`
	PercentOff int        `json:"percent_off"`
	MaxUses    int        `json:"max_uses"`
	Used       int        `json:"used"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Active     bool       `json:"active"`
}

// CouponUsage is how much a coupon brought in.
type CouponUsage struct {
	Code       string `json:"code"`
	Orders     int    `json:"orders"`
	TotalCents int64  `json:"total_cents"`
}

const couponColumns = "code, percent_off, max_uses, used, expires_at, active"

// Coupon queries, used from several places.
const (
	qCouponByCode    = "SELECT " + couponColumns + " FROM coupons WHERE code = $1"
	qListCoupons     = "SELECT " + couponColumns + " FROM coupons ORDER BY code"
	qDeactivate      = "UPDATE coupons SET active = false WHERE code = $1"
	qRedeemCoupon    = "UPDATE coupons SET used = used + 1 WHERE code = $1 AND active AND used < max_uses AND (expires_at IS NULL OR expires_at > now()) RETURNING percent_off"
	qInsertRedeption = "INSERT INTO coupon_redemptions (code, user_id, order_id) VALUES ($1, $2, $3)"
)

func scanCoupon(row interface{ Scan(...any) error }) (Coupon, error) {
	var c Coupon
	err := row.Scan(&c.Code, &c.PercentOff, &c.MaxUses, &c.Used, &c.ExpiresAt, &c.Active)
	return c, err
}

// CouponByCode returns one coupon.
func (s *Store) CouponByCode(ctx context.Context, code string) (Coupon, error) {
	c, err := scanCoupon(s.db.QueryRowContext(ctx, qCouponByCode, code)) // want sql coupons:read
	return c, notFound(err)
}

// ListCoupons lists every coupon.
func (s *Store) ListCoupons(ctx context.Context) ([]Coupon, error) {
	rows, err := s.db.QueryContext(ctx, qListCoupons) // want sql coupons:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Coupon{}
	for rows.Next() {
		c, err := scanCoupon(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CreateCoupon stores a new coupon.
func (s *Store) CreateCoupon(ctx context.Context, c Coupon) error {
	_, err := s.exec(ctx, "INSERT INTO coupons (code, percent_off, max_uses, expires_at) VALUES ($1, $2, $3, $4)", c.Code, c.PercentOff, c.MaxUses, c.ExpiresAt) // want sql coupons:insert
	return err
}

// DeactivateCoupon disables a coupon.
func (s *Store) DeactivateCoupon(ctx context.Context, code string) (bool, error) {
	n, err := s.exec(ctx, qDeactivate, code) // want sql coupons:update
	return n == 1, err
}

// DeleteUnusedCoupon deletes a coupon nobody redeemed.
func (s *Store) DeleteUnusedCoupon(ctx context.Context, code string) (bool, error) {
	n, err := s.exec(ctx, "DELETE FROM coupons WHERE code = $1 AND used = 0", code) // want sql coupons:delete
	return n == 1, err
}

// RedeemCouponTx uses one redemption of a coupon inside a transaction and returns its
// discount; ok is false when the coupon cannot be used.
func (s *Store) RedeemCouponTx(ctx context.Context, tx *sql.Tx, code string) (pct int, ok bool, err error) {
	err = tx.QueryRowContext(ctx, qRedeemCoupon, code).Scan(&pct) // want sql coupons:update
	if err == sql.ErrNoRows {
		return 0, false, nil
	}
	return pct, err == nil, err
}

// RecordRedemptionTx records who used a coupon on which order, inside a transaction.
func (s *Store) RecordRedemptionTx(ctx context.Context, tx *sql.Tx, code string, userID, orderID int64) error {
	return execTx(ctx, tx, qInsertRedeption, code, userID, orderID) // want sql coupon_redemptions:insert
}

// RedemptionsForUser lists the coupon codes a user redeemed.
func (s *Store) RedemptionsForUser(ctx context.Context, userID int64) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT code FROM coupon_redemptions WHERE user_id = $1 ORDER BY created_at", userID) // want sql coupon_redemptions:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		out = append(out, code)
	}
	return out, rows.Err()
}

// CouponUsageReport sums the orders placed with each coupon.
func (s *Store) CouponUsageReport(ctx context.Context) ([]CouponUsage, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.code, count(*)::int, coalesce(sum(o.total_cents), 0)::bigint FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id GROUP BY r.code ORDER BY r.code`) // want sql coupon_redemptions:read orders:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []CouponUsage{}
	for rows.Next() {
		var u CouponUsage
		if err := rows.Scan(&u.Code, &u.Orders, &u.TotalCents); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// ExtendCoupon moves a coupon's expiry.
func (s *Store) ExtendCoupon(ctx context.Context, code string, until time.Time) (bool, error) {
	n, err := s.exec(ctx, "UPDATE coupons SET expires_at = $2 WHERE code = $1", code, until) // want sql coupons:update
	return n == 1, err
}

// RedemptionCount counts a coupon's redemptions.
func (s *Store) RedemptionCount(ctx context.Context, code string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM coupon_redemptions WHERE code = $1", code).Scan(&n) // want sql coupon_redemptions:read
	return n, err
}
