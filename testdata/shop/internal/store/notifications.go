package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"
)

// Notification is a message to a user.
type Notification struct {
	ID        int64           `json:"id"`
	Kind      string          `json:"kind"`
	Payload   json.RawMessage `json:"payload"`
	ReadAt    *time.Time      `json:"read_at"`
	CreatedAt time.Time       `json:"created_at"`
}

// Preferences says how a user wants to be told.
type Preferences struct {
	Email bool `json:"email"`
	SMS   bool `json:"sms"`
}

const (
	qEnqueueNotification = `INSERT INTO notifications (user_id, kind, payload) VALUES ($1, $2, $3)`
	qClaimNotifications  = `SELECT n.id, n.user_id, n.kind FROM notifications n
JOIN notification_preferences np ON np.user_id = n.user_id
WHERE n.sent_at IS NULL AND np.email
ORDER BY n.id LIMIT $1
FOR UPDATE OF n SKIP LOCKED`
)

// EnqueueNotification stores a message for a user.
func (s *Store) EnqueueNotification(ctx context.Context, userID int64, kind string, payload any) error {
	b, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = s.pool.Exec(ctx, qEnqueueNotification, userID, kind, b) // want sql notifications:insert
	return err
}

// NotificationsFor lists a user's latest messages.
func (s *Store) NotificationsFor(ctx context.Context, userID int64) ([]Notification, error) {
	rows, err := s.pool.Query(ctx, "SELECT id, kind, payload, read_at, created_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT 100", userID) // want sql notifications:read
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		if err := rows.Scan(&n.ID, &n.Kind, &n.Payload, &n.ReadAt, &n.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// MarkNotificationRead marks a user's message as read.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id int64) (bool, error) {
	tag, err := s.pool.Exec(ctx, "UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 AND read_at IS NULL", id, userID) // want sql notifications:update
	return tag.RowsAffected() == 1, err
}

// UnreadCount counts a user's unread messages.
func (s *Store) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, "SELECT count(*)::int FROM notifications WHERE user_id = $1 AND read_at IS NULL", userID).Scan(&n) // want sql notifications:read
	return n, err
}

// PreferencesFor returns a user's notification preferences (defaults when unset).
func (s *Store) PreferencesFor(ctx context.Context, userID int64) (Preferences, error) {
	p := Preferences{Email: true}
	err := s.pool.QueryRow(ctx, "SELECT email, sms FROM notification_preferences WHERE user_id = $1", userID).Scan(&p.Email, &p.SMS) // want sql notification_preferences:read
	if err == pgx.ErrNoRows {
		err = nil
	}
	return p, err
}

// SetPreferences stores a user's notification preferences.
func (s *Store) SetPreferences(ctx context.Context, userID int64, p Preferences) error {
	_, err := s.pool.Exec(ctx, "INSERT INTO notification_preferences (user_id, email, sms) VALUES ($1, $2, $3) ON CONFLICT (user_id) DO UPDATE SET email = EXCLUDED.email, sms = EXCLUDED.sms", userID, p.Email, p.SMS) // want sql notification_preferences:upsert
	return err
}

// RecipientEmail returns where to email a user.
func (s *Store) RecipientEmail(ctx context.Context, userID int64) (string, error) {
	var email string
	err := s.pool.QueryRow(ctx, "SELECT email FROM users WHERE id = $1", userID).Scan(&email) // want sql users:read
	return email, err
}

// PurgeNotifications deletes read messages older than before.
func (s *Store) PurgeNotifications(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, "DELETE FROM notifications WHERE read_at IS NOT NULL AND created_at < $1", before) // want sql notifications:delete
	return tag.RowsAffected(), err
}

// DispatchBatch claims up to limit unsent messages of users who want email, hands each to
// send and marks the sent ones, in one transaction so that concurrent dispatchers never send
// a message twice.
func (s *Store) DispatchBatch(ctx context.Context, limit int, send func(userID int64, kind string) error) (int, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{}) // want tx notifications:read notification_preferences:read notifications:update
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx)
	rows, err := tx.Query(ctx, qClaimNotifications, limit) // want sql notifications:read notification_preferences:read
	if err != nil {
		return 0, err
	}
	type claimed struct {
		id, user int64
		kind     string
	}
	var batch []claimed
	for rows.Next() {
		var c claimed
		if err := rows.Scan(&c.id, &c.user, &c.kind); err != nil {
			rows.Close()
			return 0, err
		}
		batch = append(batch, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	for _, c := range batch {
		if send(c.user, c.kind) != nil {
			continue
		}
		if _, err := tx.Exec(ctx, "UPDATE notifications SET sent_at = now() WHERE id = $1", c.id); err != nil { // want sql notifications:update
			return 0, err
		}
		sent++
	}
	return sent, tx.Commit(ctx)
}

// Broadcast queues a message of the given kind for every user who accepts email.
func (s *Store) Broadcast(ctx context.Context, kind string) (int64, error) {
	tag, err := s.pool.Exec(ctx, "INSERT INTO notifications (user_id, kind) SELECT user_id, $1 FROM notification_preferences WHERE email", kind) // want sql notifications:insert notification_preferences:read
	return tag.RowsAffected(), err
}
