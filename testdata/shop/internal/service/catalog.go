// Package service holds the shop's business logic, one file per domain.
package service

import (
	"context"

	"example.com/shop/internal/store"
)

// Catalog manages products and categories.
type Catalog struct{ st *store.Store }

// NewCatalog returns the catalog service.
func NewCatalog(st *store.Store) *Catalog { return &Catalog{st: st} }

// List returns a page of active products.
func (c *Catalog) List(ctx context.Context, limit, offset int) ([]store.Product, error) {
	if limit <= 0 || limit > 100 {
		limit = 20
	}
	return c.st.ListProducts(ctx, limit, offset)
}

// Get returns one product.
func (c *Catalog) Get(ctx context.Context, id int64) (store.Product, error) {
	return c.st.ProductByID(ctx, id)
}

// Search finds products by text, or by exact field filters when filters is not empty.
func (c *Catalog) Search(ctx context.Context, term string, filters map[string]string, sort string) ([]store.Product, error) {
	if len(filters) > 0 || sort != "" {
		return c.st.FilterProducts(ctx, filters, sort)
	}
	return c.st.SearchProducts(ctx, term)
}

// Categories lists categories.
func (c *Catalog) Categories(ctx context.Context) ([]store.Category, error) {
	return c.st.Categories(ctx)
}

// InCategory lists a category's products.
func (c *Catalog) InCategory(ctx context.Context, slug string) ([]store.Product, error) {
	return c.st.ProductsInCategory(ctx, slug)
}

// Create adds a product and gives it an empty stock row.
func (c *Catalog) Create(ctx context.Context, p store.Product) (int64, error) {
	if p.Currency == "" {
		p.Currency = "EUR"
	}
	id, err := c.st.CreateProduct(ctx, p)
	if err != nil {
		return 0, err
	}
	return id, c.st.SetStock(ctx, id, 0)
}

// Update changes a product.
func (c *Catalog) Update(ctx context.Context, p store.Product) error {
	return c.st.UpdateProduct(ctx, p)
}

// Delete hides a product.
func (c *Catalog) Delete(ctx context.Context, id int64) error { return c.st.DeactivateProduct(ctx, id) }
