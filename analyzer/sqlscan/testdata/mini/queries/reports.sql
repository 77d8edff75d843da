-- Reports run by name.

-- want sql users:read orders:read
-- name: top_users
SELECT u.id, count(o.id) FROM users u JOIN orders o ON o.user_id = u.id GROUP BY u.id;

-- want sql items:read
-- name: item_count
SELECT count(*) FROM items;
