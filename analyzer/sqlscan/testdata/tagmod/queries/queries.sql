-- name: get-subscriber
SELECT * FROM subscribers WHERE id = $1;

-- name: delete-subscriptions
DELETE FROM subscriber_lists WHERE subscriber_id = $1;

-- name: query-subscribers
SELECT subscribers.* FROM subscribers WHERE %s;

-- name: insert-list
INSERT INTO lists (name) VALUES ($1);

-- want sql campaigns:read
-- name: unused-query
SELECT * FROM campaigns;

-- name: query-bounces
SELECT * FROM bounces ORDER BY %order%;

-- name: delete-by-query
DELETE FROM subscribers WHERE id IN (SELECT id FROM subscribers WHERE %query%);

-- name: get-subscriber-lists-lazy
SELECT * FROM subscriber_lists WHERE subscriber_id = ANY($1);
