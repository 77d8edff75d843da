package service

import (
	"context"
	"database/sql"
	"fmt"

	"example.com/shop/internal/platform/httpx"

	"example.com/shop/internal/store"
)

// Inventory manages stock levels.
type Inventory struct{ st *store.Store }

// NewInventory returns the inventory service.
func NewInventory(st *store.Store) *Inventory { return &Inventory{st: st} }

// Stock returns a product's stock level.
func (i *Inventory) Stock(ctx context.Context, productID int64) (store.Stock, error) {
	return i.st.StockFor(ctx, productID)
}

// Adjust changes the stock on hand and journals why.
func (i *Inventory) Adjust(ctx context.Context, productID int64, delta int, reason string) (int, error) {
	onHand, err := i.st.AdjustStock(ctx, productID, delta)
	if err != nil {
		return 0, err
	}
	return onHand, i.st.RecordMovement(ctx, productID, delta, reason)
}

// Low lists products running out.
func (i *Inventory) Low(ctx context.Context, threshold int) ([]store.Stock, error) {
	return i.st.LowStock(ctx, threshold)
}

// Warehouse reads one warehouse's stock table.
func (i *Inventory) Warehouse(ctx context.Context, name string) ([]store.Stock, error) {
	return i.st.WarehouseReport(ctx, name)
}

// reserveLine takes one order line out of stock inside the caller's checkout transaction.
func reserveLine(ctx context.Context, st *store.Store, tx *sql.Tx, orderID, productID int64, qty int) error {
	ok, err := st.DecrementStockTx(ctx, tx, productID, qty)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("checkout: product %d is out of stock: %w", productID, httpx.ErrConflict)
	}
	return st.RecordMovementTx(ctx, tx, productID, -qty, "order", orderID)
}
