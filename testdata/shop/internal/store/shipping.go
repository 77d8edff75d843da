package store

import (
	"context"
	"time"
)

// Shipment is a parcel sent for an order.
type Shipment struct {
	ID         int64     `json:"id"`
	OrderID    int64     `json:"order_id"`
	AddressID  int64     `json:"address_id"`
	Carrier    string    `json:"carrier"`
	TrackingNo *string   `json:"tracking_no"`
	Status     string    `json:"status"`
	CreatedAt  time.Time `json:"created_at"`
}

// ShipmentEvent is one tracking event.
type ShipmentEvent struct {
	Status    string    `json:"status"`
	Note      string    `json:"note"`
	CreatedAt time.Time `json:"created_at"`
	Seq       int       `json:"seq"`
}

// Label is what is printed on a parcel.
type Label struct {
	ShipmentID int64  `json:"shipment_id"`
	OrderID    int64  `json:"order_id"`
	Name       string `json:"name"`
	Email      string `json:"email"`
	Line1      string `json:"line1"`
	City       string `json:"city"`
	Zip        string `json:"zip"`
	Country    string `json:"country"`
}

// Address is a shipping address of a user.
type Address struct {
	ID      int64  `json:"id"`
	Line1   string `json:"line1"`
	City    string `json:"city"`
	Zip     string `json:"zip"`
	Country string `json:"country"`
}

const (
	qShipmentColumns = "id, order_id, address_id, carrier, tracking_no, status, created_at"
	qAddShipmentEvt  = "INSERT INTO shipment_events (shipment_id, status, note) VALUES ($1, $2, $3)"
	qLabel           = `SELECT s.id, o.id, u.name, u.email, a.line1, a.city, a.zip, a.country
FROM shipments s
JOIN orders o ON o.id = s.order_id
JOIN users u ON u.id = o.user_id
JOIN shipping_addresses a ON a.id = s.address_id
WHERE s.id = $1`
)

// CreateShipment creates a shipment for an order.
func (s *Store) CreateShipment(ctx context.Context, orderID, addressID int64, carrier string) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "INSERT INTO shipments (order_id, address_id, carrier) VALUES ($1, $2, $3) RETURNING id", orderID, addressID, carrier).Scan(&id) // want sql shipments:insert
	return id, err
}

// ShipmentByID returns one shipment.
func (s *Store) ShipmentByID(ctx context.Context, id int64) (Shipment, error) {
	var sh Shipment
	err := s.db.QueryRowContext(ctx, "SELECT "+qShipmentColumns+" FROM shipments WHERE id = $1", id).Scan(&sh.ID, &sh.OrderID, &sh.AddressID, &sh.Carrier, &sh.TrackingNo, &sh.Status, &sh.CreatedAt) // want sql shipments:read
	return sh, notFound(err)
}

// AddShipmentEvent appends a tracking event.
func (s *Store) AddShipmentEvent(ctx context.Context, shipmentID int64, status, note string) error {
	_, err := s.exec(ctx, qAddShipmentEvt, shipmentID, status, note) // want sql shipment_events:insert
	return err
}

// ShipmentEvents lists a shipment's events in order.
func (s *Store) ShipmentEvents(ctx context.Context, shipmentID int64) ([]ShipmentEvent, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT status, note, created_at, row_number() OVER (ORDER BY created_at, id)::int FROM shipment_events WHERE shipment_id = $1 ORDER BY created_at, id", shipmentID) // want sql shipment_events:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []ShipmentEvent{}
	for rows.Next() {
		var e ShipmentEvent
		if err := rows.Scan(&e.Status, &e.Note, &e.CreatedAt, &e.Seq); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SetShipmentStatus updates a shipment's status and tracking number.
func (s *Store) SetShipmentStatus(ctx context.Context, id int64, status string, tracking *string) error {
	_, err := s.exec(ctx, "UPDATE shipments SET status = $2, tracking_no = coalesce($3, tracking_no) WHERE id = $1", id, status, tracking) // want sql shipments:update
	return err
}

// ShippingLabel gathers what goes on the parcel: order, customer and address.
func (s *Store) ShippingLabel(ctx context.Context, shipmentID int64) (Label, error) {
	var l Label
	err := s.db.QueryRowContext(ctx, qLabel, shipmentID).Scan(&l.ShipmentID, &l.OrderID, &l.Name, &l.Email, &l.Line1, &l.City, &l.Zip, &l.Country) // want sql shipments:read orders:read users:read shipping_addresses:read
	return l, notFound(err)
}

// OrderForShipping returns the owner and status of an order to ship.
func (s *Store) OrderForShipping(ctx context.Context, orderID int64) (userID int64, status string, err error) {
	err = s.db.QueryRowContext(ctx, "SELECT user_id, status FROM orders WHERE id = $1", orderID).Scan(&userID, &status) // want sql orders:read
	return userID, status, notFound(err)
}

// DefaultAddress returns a user's first shipping address.
func (s *Store) DefaultAddress(ctx context.Context, userID int64) (Address, error) {
	var a Address
	err := s.db.QueryRowContext(ctx, "SELECT id, line1, city, zip, country FROM shipping_addresses WHERE user_id = $1 ORDER BY id LIMIT 1", userID).Scan(&a.ID, &a.Line1, &a.City, &a.Zip, &a.Country) // want sql shipping_addresses:read
	return a, notFound(err)
}

// AddAddress stores a new shipping address for a user.
func (s *Store) AddAddress(ctx context.Context, userID int64, a Address) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, "INSERT INTO shipping_addresses (user_id, line1, city, zip, country) VALUES ($1, $2, $3, $4, $5) RETURNING id", userID, a.Line1, a.City, a.Zip, a.Country).Scan(&id) // want sql shipping_addresses:insert
	return id, err
}

// MarkOrderShipped sets an order to shipped.
func (s *Store) MarkOrderShipped(ctx context.Context, orderID int64) error {
	_, err := s.exec(ctx, qSetOrderStatus, orderID, "shipped") // want sql orders:update
	return err
}

// ShipmentsForOrder lists the shipments of an order.
func (s *Store) ShipmentsForOrder(ctx context.Context, orderID int64) ([]Shipment, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+qShipmentColumns+" FROM shipments WHERE order_id = $1 ORDER BY id", orderID) // want sql shipments:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Shipment{}
	for rows.Next() {
		var sh Shipment
		if err := rows.Scan(&sh.ID, &sh.OrderID, &sh.AddressID, &sh.Carrier, &sh.TrackingNo, &sh.Status, &sh.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// DeleteAddress deletes a user's unused address.
func (s *Store) DeleteAddress(ctx context.Context, userID, addressID int64) (bool, error) {
	n, err := s.exec(ctx, "DELETE FROM shipping_addresses a WHERE a.id = $1 AND a.user_id = $2 AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.address_id = a.id)", addressID, userID) // want sql shipping_addresses:delete shipments:read
	return n == 1, err
}
