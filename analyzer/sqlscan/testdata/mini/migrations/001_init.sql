CREATE TABLE users (id bigserial PRIMARY KEY, name text NOT NULL, n int);
CREATE TABLE orders (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) -- want fk orders.user_id -> users.id
);
CREATE TABLE items (id bigserial PRIMARY KEY, n int);
CREATE TABLE events (k int PRIMARY KEY);
CREATE TABLE carts (id bigserial PRIMARY KEY);
