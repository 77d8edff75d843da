-- Reviews: one review per user and product.
CREATE TABLE reviews (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL REFERENCES products(id), -- want fk reviews.product_id -> products.id
    user_id    BIGINT NOT NULL REFERENCES users(id), -- want fk reviews.user_id -> users.id
    rating     INT NOT NULL CHECK (rating BETWEEN 1 AND 5),
    body       TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (product_id, user_id)
);
