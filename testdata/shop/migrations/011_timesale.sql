-- Time sales (flash sales): limited quantities at a discount for a short window.
CREATE TABLE sales (
    id        BIGSERIAL PRIMARY KEY,
    title     TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at   TIMESTAMPTZ NOT NULL,
    status    TEXT NOT NULL DEFAULT 'active'
);

CREATE TABLE sale_items (
    id               BIGSERIAL PRIMARY KEY,
    sale_id          BIGINT NOT NULL REFERENCES sales(id) ON DELETE CASCADE, -- want fk sale_items.sale_id -> sales.id
    product_id       BIGINT NOT NULL REFERENCES products(id), -- want fk sale_items.product_id -> products.id
    sale_price_cents BIGINT NOT NULL,
    quantity         INT NOT NULL,
    remaining        INT NOT NULL CHECK (remaining >= 0)
);

CREATE TABLE sale_reservations (
    id           BIGSERIAL PRIMARY KEY,
    sale_item_id BIGINT NOT NULL REFERENCES sale_items(id), -- want fk sale_reservations.sale_item_id -> sale_items.id
    user_id      BIGINT NOT NULL REFERENCES users(id), -- want fk sale_reservations.user_id -> users.id
    qty          INT NOT NULL CHECK (qty > 0),
    status       TEXT NOT NULL DEFAULT 'held',
    expires_at   TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
