// Package httpx holds the small HTTP helpers every handler uses: JSON bodies, errors, the
// authenticated user in the request context and the X-Served-By header.
package httpx

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
)

// ErrNotFound is returned by stores and services when a row does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a request cannot be applied to the current state.
var ErrConflict = errors.New("conflict")

// JSON writes v as a JSON body with the given status.
func JSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error writes {"error": msg} with the given status.
func Error(w http.ResponseWriter, status int, msg string) {
	JSON(w, status, map[string]string{"error": msg})
}

// Fail maps err to a status: ErrNotFound → 404, ErrConflict → 409, anything else → 500.
func Fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrNotFound):
		Error(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrConflict):
		Error(w, http.StatusConflict, err.Error())
	default:
		slog.ErrorContext(r.Context(), "request failed", "path", r.URL.Path, "err", err)
		Error(w, http.StatusInternalServerError, "internal error")
	}
}

// Decode reads a JSON body into v.
func Decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

type userKey struct{}

// WithUser returns ctx carrying the authenticated user's id.
func WithUser(ctx context.Context, id int64) context.Context {
	return context.WithValue(ctx, userKey{}, id)
}

// UserID returns the authenticated user's id, if any.
func UserID(ctx context.Context) (int64, bool) {
	id, ok := ctx.Value(userKey{}).(int64)
	return id, ok
}

// ServedBy sets the X-Served-By header on every response.
func ServedBy(name string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", name)
		next.ServeHTTP(w, r)
	})
}
