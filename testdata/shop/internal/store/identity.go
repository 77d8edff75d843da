package store

import (
	"context"
	"time"

	"example.com/shop/internal/store/sqlcdb"
	"github.com/jmoiron/sqlx"
)

// User is an account as the API shows it.
type User struct {
	ID    int64  `db:"id" json:"id"`
	Email string `db:"email" json:"email"`
	Name  string `db:"name" json:"name"`
}

// Identity returns the sqlc queries for users and sessions.
func (s *Store) Identity() *sqlcdb.Queries { return s.q }

// ListUsers lists accounts, paged.
func (s *Store) ListUsers(ctx context.Context, limit, offset int) ([]User, error) {
	users := []User{}
	err := s.db.SelectContext(ctx, &users, "SELECT id, email, name FROM users ORDER BY id LIMIT $1 OFFSET $2", limit, offset) // want sql users:read
	return users, err
}

// UserEmails returns the email of each given user.
func (s *Store) UserEmails(ctx context.Context, ids []int64) (map[int64]string, error) {
	q, args, err := sqlx.In("SELECT id, email, name FROM users WHERE id IN (?)", ids)
	if err != nil {
		return nil, err
	}
	var users []User
	if err := s.db.SelectContext(ctx, &users, s.db.Rebind(q), args...); err != nil { // want sql users:read
		return nil, err
	}
	out := make(map[int64]string, len(users))
	for _, u := range users {
		out[u.ID] = u.Email
	}
	return out, nil
}

// TouchLastSeen records that a user was active.
func (s *Store) TouchLastSeen(ctx context.Context, userID int64, at time.Time) error {
	_, err := s.exec(ctx, "UPDATE users SET last_seen_at = $2 WHERE id = $1", userID, at) // want sql users:update
	return err
}

// FindUsers finds accounts whose name or email contains term.
func (s *Store) FindUsers(ctx context.Context, term string) ([]User, error) {
	users := []User{}
	err := s.db.SelectContext(ctx, &users, "SELECT id, email, name FROM users WHERE name ILIKE '%' || $1 || '%' OR email::text ILIKE '%' || $1 || '%' ORDER BY id LIMIT 50", term) // want sql users:read
	return users, err
}

// DeleteUser deletes an account without orders.
func (s *Store) DeleteUser(ctx context.Context, userID int64) (bool, error) {
	n, err := s.exec(ctx, "DELETE FROM users WHERE id = $1", userID) // want sql users:delete
	return n == 1, err
}
