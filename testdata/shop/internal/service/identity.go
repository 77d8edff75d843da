package service

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"example.com/shop/internal/platform/httpx"
	"example.com/shop/internal/platform/ids"
	"example.com/shop/internal/store"
	"example.com/shop/internal/store/sqlcdb"
)

// Identity manages accounts and sessions.
type Identity struct{ st *store.Store }

// NewIdentity returns the identity service.
func NewIdentity(st *store.Store) *Identity { return &Identity{st: st} }

func hashPassword(pw string) string {
	sum := sha256.Sum256([]byte("shop:" + pw))
	return hex.EncodeToString(sum[:])
}

// Register creates an account.
func (i *Identity) Register(ctx context.Context, email, name, password string) (store.User, error) {
	u, err := i.st.Identity().CreateUser(ctx, sqlcdb.CreateUserParams{Email: email, Name: name, PasswordHash: hashPassword(password)})
	return store.User{ID: u.ID, Email: u.Email, Name: u.Name}, err
}

// Login checks a password and opens a session; it returns the session token.
func (i *Identity) Login(ctx context.Context, email, password string) (string, error) {
	u, err := i.st.Identity().GetUserByEmail(ctx, email)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && u.PasswordHash != hashPassword(password)) {
		return "", httpx.ErrNotFound
	}
	if err != nil {
		return "", err
	}
	token := ids.Token()
	err = i.st.Identity().CreateSession(ctx, sqlcdb.CreateSessionParams{Token: token, UserID: u.ID, ExpiresAt: time.Now().Add(30 * 24 * time.Hour)})
	return token, err
}

// Logout ends a session.
func (i *Identity) Logout(ctx context.Context, token string) error {
	return i.st.Identity().DeleteSession(ctx, token)
}

// Authenticate returns the user of a live session token.
func (i *Identity) Authenticate(ctx context.Context, token string) (int64, error) {
	row, err := i.st.Identity().GetSessionUser(ctx, token)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, httpx.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	_ = i.st.TouchLastSeen(ctx, row.UserID, time.Now())
	return row.UserID, nil
}

// User returns an account.
func (i *Identity) User(ctx context.Context, id int64) (store.User, error) {
	u, err := i.st.Identity().GetUser(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return store.User{}, httpx.ErrNotFound
	}
	return store.User{ID: u.ID, Email: u.Email, Name: u.Name}, err
}

// Rename changes an account's display name.
func (i *Identity) Rename(ctx context.Context, id int64, name string) error {
	return i.st.Identity().UpdateUserName(ctx, sqlcdb.UpdateUserNameParams{ID: id, Name: name})
}

// Find searches accounts.
func (i *Identity) Find(ctx context.Context, term string) ([]store.User, error) {
	if term == "" {
		return i.st.ListUsers(ctx, 50, 0)
	}
	return i.st.FindUsers(ctx, term)
}

// PurgeSessions deletes expired sessions.
func (i *Identity) PurgeSessions(ctx context.Context) (int64, error) {
	return i.st.Identity().DeleteExpiredSessions(ctx)
}
