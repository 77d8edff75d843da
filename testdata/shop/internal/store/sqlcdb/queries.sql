-- name: CreateUser :one
INSERT INTO users (email, name, password_hash)
VALUES ($1, $2, $3)
RETURNING id, email, name, password_hash, last_seen_at, created_at;

-- name: GetUser :one
SELECT id, email, name, password_hash, last_seen_at, created_at FROM users
WHERE id = $1;

-- name: GetUserByEmail :one
SELECT id, email, name, password_hash, last_seen_at, created_at FROM users
WHERE lower(email) = lower($1::text);

-- name: UpdateUserName :exec
UPDATE users SET name = $2 WHERE id = $1;

-- name: CreateSession :exec
INSERT INTO sessions (token, user_id, expires_at) VALUES ($1, $2, $3);

-- name: GetSessionUser :one
SELECT s.token, s.user_id, s.expires_at, u.email, u.name
FROM sessions s
JOIN users u ON u.id = s.user_id
WHERE s.token = $1 AND s.expires_at > now();

-- name: DeleteSession :exec
DELETE FROM sessions WHERE token = $1;

-- name: DeleteExpiredSessions :execrows
DELETE FROM sessions WHERE expires_at <= now();
