package service

import (
	"context"
	"fmt"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/store"
)

// Shipping creates and tracks shipments.
type Shipping struct {
	st     *store.Store
	notify *Notifications
}

// NewShipping returns the shipping service.
func NewShipping(st *store.Store, notify *Notifications) *Shipping {
	return &Shipping{st: st, notify: notify}
}

// Create ships a paid order to its owner's default address.
func (s *Shipping) Create(ctx context.Context, orderID int64, carrier string) (store.Shipment, error) {
	userID, status, err := s.st.OrderForShipping(ctx, orderID)
	if err != nil {
		return store.Shipment{}, err
	}
	if status != "paid" && status != "pending" {
		return store.Shipment{}, fmt.Errorf("create shipment: order %d is %s: %w", orderID, status, httpx.ErrConflict)
	}
	addr, err := s.st.DefaultAddress(ctx, userID)
	if err != nil {
		return store.Shipment{}, err
	}
	id, err := s.st.CreateShipment(ctx, orderID, addr.ID, carrier)
	if err != nil {
		return store.Shipment{}, err
	}
	if err := s.st.AddShipmentEvent(ctx, id, "created", ""); err != nil {
		return store.Shipment{}, err
	}
	return s.st.ShipmentByID(ctx, id)
}

// Get returns a shipment.
func (s *Shipping) Get(ctx context.Context, id int64) (store.Shipment, error) {
	return s.st.ShipmentByID(ctx, id)
}

// ForOrder lists an order's shipments.
func (s *Shipping) ForOrder(ctx context.Context, orderID int64) ([]store.Shipment, error) {
	return s.st.ShipmentsForOrder(ctx, orderID)
}

// Event records a carrier event; "shipped" also marks the order shipped and tells the user.
func (s *Shipping) Event(ctx context.Context, id int64, status, note string, tracking *string) error {
	sh, err := s.st.ShipmentByID(ctx, id)
	if err != nil {
		return err
	}
	if err := s.st.AddShipmentEvent(ctx, id, status, note); err != nil {
		return err
	}
	if err := s.st.SetShipmentStatus(ctx, id, status, tracking); err != nil {
		return err
	}
	if status != "shipped" {
		return nil
	}
	if err := s.st.MarkOrderShipped(ctx, sh.OrderID); err != nil {
		return err
	}
	userID, _, err := s.st.OrderForShipping(ctx, sh.OrderID)
	if err != nil {
		return err
	}
	return s.notify.Notify(ctx, userID, "order_shipped", map[string]any{"order_id": sh.OrderID})
}

// Tracking returns a shipment's label and events.
func (s *Shipping) Tracking(ctx context.Context, id int64) (store.Label, []store.ShipmentEvent, error) {
	l, err := s.st.ShippingLabel(ctx, id)
	if err != nil {
		return l, nil, err
	}
	evs, err := s.st.ShipmentEvents(ctx, id)
	return l, evs, err
}
