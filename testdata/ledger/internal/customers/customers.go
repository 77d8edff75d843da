// Package customers owns the customers we bill, their contacts and addresses.
package customers

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"example.com/ledger/internal/platform"
	"github.com/gorilla/mux"
	"github.com/jmoiron/sqlx"
)

// Customer is a billable party.
type Customer struct {
	ID        platform.ID `db:"id" json:"id"`
	Name      string      `db:"name" json:"name"`
	Email     string      `db:"email" json:"email"`
	TaxNumber *string     `db:"tax_number" json:"tax_number,omitempty"`
	Status    string      `db:"status" json:"status"`
}

// Contact is a person at a customer.
type Contact struct {
	CustomerID platform.ID `db:"customer_id" json:"-"`
	Name       string      `db:"name" json:"name"`
	Email      string      `db:"email" json:"email"`
	Phone      *string     `db:"phone" json:"phone,omitempty"`
}

// Address is a billing or shipping address.
type Address struct {
	Line1      string `db:"line1" json:"line1"`
	City       string `db:"city" json:"city"`
	PostalCode string `db:"postal_code" json:"postal_code"`
	Country    string `db:"country" json:"country"`
}

// Handler serves /api/v1/customers.
type Handler struct{ db *sqlx.DB }

// New returns the customers handler.
func New(db *sqlx.DB) *Handler { return &Handler{db: db} }

// Register mounts the customer routes under api (/api/v1).
func (h *Handler) Register(api *mux.Router) {
	s := api.PathPrefix("/customers").Subrouter()
	s.HandleFunc("", h.list).Methods("GET")                             // want route GET /api/v1/customers
	s.HandleFunc("", h.create).Methods("POST")                          // want route POST /api/v1/customers
	s.HandleFunc("/search", h.search).Methods("GET")                    // want route GET /api/v1/customers/search
	s.HandleFunc("/{id:[0-9]+}", h.get).Methods("GET")                  // want route GET /api/v1/customers/{id}
	s.HandleFunc("/{id:[0-9]+}", h.update).Methods("PUT")               // want route PUT /api/v1/customers/{id}
	s.HandleFunc("/{id:[0-9]+}", h.remove).Methods("DELETE")            // want route DELETE /api/v1/customers/{id}
	s.HandleFunc("/{id}/contacts", h.contacts).Methods("GET")           // want route GET /api/v1/customers/{id}/contacts
	s.HandleFunc("/{id}/addresses/{kind}", h.putAddress).Methods("PUT") // want route PUT /api/v1/customers/{id}/addresses/{kind}
}

var sortColumns = map[string]string{"name": "name", "newest": "created_at DESC", "": "id"}

const customerCols = "id, name, email, tax_number, status"

func (h *Handler) list(w http.ResponseWriter, r *http.Request) {
	order, ok := sortColumns[r.URL.Query().Get("sort")]
	if !ok {
		platform.WriteError(w, http.StatusBadRequest, fmt.Errorf("list customers: unknown sort %q", r.URL.Query().Get("sort")))
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	q := "SELECT " + customerCols + " FROM customers WHERE status <> 'deleted' ORDER BY " + order + " LIMIT ?, ?"
	out := []Customer{}
	if err := h.db.SelectContext(r.Context(), &out, q, offset, 50); err != nil { // want sql customers:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) get(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var c Customer
	if err := h.db.GetContext(r.Context(), &c, "SELECT "+customerCols+" FROM customers WHERE id = ?", id); err != nil { // want sql customers:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, c)
}

// search finds active customers by e-mail or name prefix: /search?q=acme.
func (h *Handler) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	arg := map[string]any{"email": q, "prefix": q + "%"}
	rows, err := h.db.NamedQueryContext(r.Context(), "SELECT "+customerCols+" FROM customers WHERE status = 'active' AND (email = :email OR name LIKE :prefix) ORDER BY name", arg) // want sql customers:read
	if err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	defer rows.Close()
	out := []Customer{}
	for rows.Next() {
		var c Customer
		if err := rows.StructScan(&c); err != nil {
			platform.WriteError(w, http.StatusInternalServerError, err)
			return
		}
		out = append(out, c)
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

type createReq struct {
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	TaxNumber *string   `json:"tax_number"`
	CreatedBy *int64    `json:"created_by"`
	Contacts  []Contact `json:"contacts"`
	Billing   *Address  `json:"billing"`
}

func (h *Handler) create(w http.ResponseWriter, r *http.Request) {
	var in createReq
	if err := platform.DecodeJSON(r, &in); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	id, err := h.createCustomer(r.Context(), in)
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	platform.WriteJSON(w, http.StatusCreated, map[string]any{"id": id})
}

// createCustomer inserts the customer, its contacts and billing address in one transaction.
func (h *Handler) createCustomer(ctx context.Context, in createReq) (platform.ID, error) {
	tx, err := h.db.BeginTxx(ctx, nil) // want tx customers:insert customer_contacts:insert customer_addresses:upsert
	if err != nil {
		return 0, fmt.Errorf("create customer: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, "INSERT INTO customers (name, email, tax_number, created_by) VALUES (?, ?, ?, ?)", // want sql customers:insert
		in.Name, in.Email, in.TaxNumber, in.CreatedBy)
	if err != nil {
		return 0, fmt.Errorf("create customer: %w", err)
	}
	id, _ := res.LastInsertId()
	if len(in.Contacts) > 0 {
		for i := range in.Contacts {
			in.Contacts[i].CustomerID = platform.ID(id)
		}
		_, err = tx.NamedExecContext(ctx, `INSERT INTO customer_contacts (customer_id, name, email, phone) VALUES (:customer_id, :name, :email, :phone)`, in.Contacts) // want sql customer_contacts:insert
		if err != nil {
			return 0, fmt.Errorf("create customer contacts: %w", err)
		}
	}
	if in.Billing != nil {
		if err := upsertAddress(ctx, tx, platform.ID(id), "billing", *in.Billing); err != nil {
			return 0, err
		}
	}
	return platform.ID(id), tx.Commit()
}

// upsertAddress works on the handler's DB or inside a transaction.
func upsertAddress(ctx context.Context, ex sqlx.ExtContext, id platform.ID, kind string, a Address) error {
	_, err := ex.ExecContext(ctx, upsertAddressSQL, id, kind, a.Line1, a.City, a.PostalCode, a.Country) // want sql customer_addresses:upsert
	if err != nil {
		return fmt.Errorf("upsert address: %w", err)
	}
	return nil
}

const upsertAddressSQL = `INSERT INTO customer_addresses (customer_id, kind, line1, city, postal_code, country)
VALUES (?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE line1 = VALUES(line1), city = VALUES(city), postal_code = VALUES(postal_code), country = VALUES(country)`

func (h *Handler) update(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	var c Customer
	if err := platform.DecodeJSON(r, &c); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	c.ID = id
	if _, err := h.db.NamedExecContext(r.Context(), "UPDATE customers SET name = :name, email = :email, tax_number = :tax_number WHERE id = :id", c); err != nil { // want sql customers:update
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, c)
}

func (h *Handler) remove(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if _, err := h.db.ExecContext(r.Context(), "UPDATE customers SET status = 'deleted' WHERE id = ?", id); err != nil { // want sql customers:update
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) contacts(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	out := []Contact{}
	if err := h.db.SelectContext(r.Context(), &out, "SELECT customer_id, name, email, phone FROM `customer_contacts` WHERE `customer_id` = ? ORDER BY `id`", id); err != nil { // want sql customer_contacts:read
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, out)
}

func (h *Handler) putAddress(w http.ResponseWriter, r *http.Request) {
	id, err := platform.PathID(r, "id")
	if err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	kind := mux.Vars(r)["kind"]
	if kind != "billing" && kind != "shipping" {
		platform.WriteError(w, http.StatusBadRequest, fmt.Errorf("put address: unknown kind %q", kind))
		return
	}
	var a Address
	if err := platform.DecodeJSON(r, &a); err != nil {
		platform.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if err := upsertAddress(r.Context(), h.db, id, kind, a); err != nil {
		platform.WriteError(w, http.StatusInternalServerError, err)
		return
	}
	platform.WriteJSON(w, http.StatusOK, a)
}

// NamesByID returns customer names for the given ids. Other features call it instead of
// reading the customers table (reporting does; invoicing does not yet).
func NamesByID(ctx context.Context, db *sqlx.DB, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	q, args, err := sqlx.In("SELECT id, name FROM customers WHERE id IN (?)", ids)
	if err != nil {
		return nil, fmt.Errorf("names by id: %w", err)
	}
	var rows []struct {
		ID   int64  `db:"id"`
		Name string `db:"name"`
	}
	if err := db.SelectContext(ctx, &rows, db.Rebind(q), args...); err != nil { // want sql customers:read
		return nil, fmt.Errorf("names by id: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}
