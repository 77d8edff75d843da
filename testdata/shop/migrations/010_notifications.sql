-- Notifications: an outbox of messages to users, and their preferences.
CREATE TABLE notifications (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users(id), -- want fk notifications.user_id -> users.id
    kind       TEXT NOT NULL,
    payload    JSONB NOT NULL DEFAULT '{}',
    read_at    TIMESTAMPTZ,
    sent_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE notification_preferences (
    user_id BIGINT PRIMARY KEY REFERENCES users(id), -- want fk notification_preferences.user_id -> users.id
    email   BOOLEAN NOT NULL DEFAULT true,
    sms     BOOLEAN NOT NULL DEFAULT false
);
