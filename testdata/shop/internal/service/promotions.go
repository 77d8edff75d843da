package service

import (
	"context"
	"fmt"
	"strings"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/store"
)

// Promotions manages coupons.
type Promotions struct{ st *store.Store }

// NewPromotions returns the promotions service.
func NewPromotions(st *store.Store) *Promotions { return &Promotions{st: st} }

// Lookup returns a usable coupon.
func (p *Promotions) Lookup(ctx context.Context, code string) (store.Coupon, error) {
	c, err := p.st.CouponByCode(ctx, strings.ToUpper(code))
	if err == nil && !c.Active {
		err = httpx.ErrNotFound
	}
	return c, err
}

// Create adds a coupon.
func (p *Promotions) Create(ctx context.Context, c store.Coupon) error {
	c.Code = strings.ToUpper(c.Code)
	if c.PercentOff < 1 || c.PercentOff > 100 {
		return fmt.Errorf("create coupon: percent_off %d out of range: %w", c.PercentOff, httpx.ErrConflict)
	}
	if c.MaxUses == 0 {
		c.MaxUses = 1000
	}
	return p.st.CreateCoupon(ctx, c)
}

// Retire deletes an unused coupon or deactivates a used one.
func (p *Promotions) Retire(ctx context.Context, code string) error {
	deleted, err := p.st.DeleteUnusedCoupon(ctx, code)
	if err != nil || deleted {
		return err
	}
	ok, err := p.st.DeactivateCoupon(ctx, code)
	if err == nil && !ok {
		err = httpx.ErrNotFound
	}
	return err
}

// List lists coupons with their usage.
func (p *Promotions) List(ctx context.Context) ([]store.Coupon, []store.CouponUsage, error) {
	cs, err := p.st.ListCoupons(ctx)
	if err != nil {
		return nil, nil, err
	}
	usage, err := p.st.CouponUsageReport(ctx)
	return cs, usage, err
}
