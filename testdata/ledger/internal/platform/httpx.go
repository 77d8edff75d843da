package platform

import (
	"database/sql"
	"encoding/json"
	"errors"
	"net/http"
)

// ServedByHeader is set on every response so that a proxy in front can tell who answered.
const ServedByHeader = "X-Served-By"

// ServedBy wraps h so that every response carries X-Served-By: name.
func ServedBy(name string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set(ServedByHeader, name)
		h.ServeHTTP(w, r)
	})
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// WriteError writes {"error": msg}; sql.ErrNoRows becomes 404.
func WriteError(w http.ResponseWriter, status int, err error) {
	if errors.Is(err, sql.ErrNoRows) {
		status = http.StatusNotFound
	}
	Logger.Warn("request failed", "status", status, "err", err)
	WriteJSON(w, status, map[string]string{"error": err.Error()})
}

// DecodeJSON decodes the request body into v, rejecting unknown fields.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
