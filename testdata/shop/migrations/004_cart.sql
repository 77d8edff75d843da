-- Cart: one open cart per user.
CREATE TABLE carts (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL UNIQUE REFERENCES users(id), -- want fk carts.user_id -> users.id
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE cart_items (
    cart_id    BIGINT NOT NULL REFERENCES carts(id) ON DELETE CASCADE, -- want fk cart_items.cart_id -> carts.id
    product_id BIGINT NOT NULL REFERENCES products(id), -- want fk cart_items.product_id -> products.id
    qty        INT NOT NULL CHECK (qty > 0),
    PRIMARY KEY (cart_id, product_id)
);
