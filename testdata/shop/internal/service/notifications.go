package service

import (
	"context"
	"log/slog"

	"example.com/shop/internal/store"
)

// Notifications queues and sends messages to users.
type Notifications struct {
	st  *store.Store
	log *slog.Logger
}

// NewNotifications returns the notifications service.
func NewNotifications(st *store.Store, log *slog.Logger) *Notifications {
	return &Notifications{st: st, log: log}
}

// Notify queues a message for a user if they accept any channel.
func (n *Notifications) Notify(ctx context.Context, userID int64, kind string, payload any) error {
	prefs, err := n.st.PreferencesFor(ctx, userID)
	if err != nil {
		return err
	}
	if !prefs.Email && !prefs.SMS {
		return nil
	}
	return n.st.EnqueueNotification(ctx, userID, kind, payload)
}

// List returns a user's messages.
func (n *Notifications) List(ctx context.Context, userID int64) ([]store.Notification, int, error) {
	list, err := n.st.NotificationsFor(ctx, userID)
	if err != nil {
		return nil, 0, err
	}
	unread, err := n.st.UnreadCount(ctx, userID)
	return list, unread, err
}

// MarkRead marks a message read.
func (n *Notifications) MarkRead(ctx context.Context, userID, id int64) (bool, error) {
	return n.st.MarkNotificationRead(ctx, userID, id)
}

// Dispatch sends a batch of queued messages (the mailer is a log line here).
func (n *Notifications) Dispatch(ctx context.Context, limit int) (int, error) {
	return n.st.DispatchBatch(ctx, limit, func(userID int64, kind string) error {
		email, err := n.st.RecipientEmail(ctx, userID)
		if err != nil {
			return err
		}
		n.log.InfoContext(ctx, "send notification", "to", email, "kind", kind)
		return nil
	})
}
