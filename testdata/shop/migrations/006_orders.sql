-- Orders: what was bought, at which price.
CREATE TABLE orders (
    id          BIGSERIAL PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users(id), -- want fk orders.user_id -> users.id
    status      TEXT NOT NULL DEFAULT 'pending',
    total_cents BIGINT NOT NULL DEFAULT 0,
    currency    TEXT NOT NULL DEFAULT 'EUR',
    coupon_code TEXT REFERENCES coupons(code), -- want fk orders.coupon_code -> coupons.code
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE order_items (
    order_id         BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE, -- want fk order_items.order_id -> orders.id
    product_id       BIGINT NOT NULL REFERENCES products(id), -- want fk order_items.product_id -> products.id
    qty              INT NOT NULL CHECK (qty > 0),
    unit_price_cents BIGINT NOT NULL,
    PRIMARY KEY (order_id, product_id)
);

ALTER TABLE coupon_redemptions
    ADD CONSTRAINT coupon_redemptions_order_fk FOREIGN KEY (order_id) REFERENCES orders(id); -- want fk coupon_redemptions.order_id -> orders.id
