-- The time-sale service's own schema. Product names and list prices are copied in when a sale
-- is created (the service no longer reads the catalog's tables), and users are plain ids.
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
    product_id       BIGINT NOT NULL,
    product_name     TEXT NOT NULL,
    list_price_cents BIGINT NOT NULL,
    sale_price_cents BIGINT NOT NULL,
    quantity         INT NOT NULL,
    remaining        INT NOT NULL CHECK (remaining >= 0)
);

CREATE TABLE sale_reservations (
    id           BIGSERIAL PRIMARY KEY,
    sale_item_id BIGINT NOT NULL REFERENCES sale_items(id), -- want fk sale_reservations.sale_item_id -> sale_items.id
    user_id      BIGINT NOT NULL,
    qty          INT NOT NULL CHECK (qty > 0),
    status       TEXT NOT NULL DEFAULT 'held',
    expires_at   TIMESTAMPTZ NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
