-- Shipping: where parcels go and what happened to them.
CREATE TABLE shipping_addresses (
    id      BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users(id), -- want fk shipping_addresses.user_id -> users.id
    line1   TEXT NOT NULL,
    city    TEXT NOT NULL,
    zip     TEXT NOT NULL,
    country TEXT NOT NULL DEFAULT 'DE'
);

CREATE TABLE shipments (
    id          BIGSERIAL PRIMARY KEY,
    order_id    BIGINT NOT NULL REFERENCES orders(id), -- want fk shipments.order_id -> orders.id
    address_id  BIGINT NOT NULL REFERENCES shipping_addresses(id), -- want fk shipments.address_id -> shipping_addresses.id
    carrier     TEXT NOT NULL DEFAULT 'dhl',
    tracking_no TEXT,
    status      TEXT NOT NULL DEFAULT 'created',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE shipment_events (
    id          BIGSERIAL PRIMARY KEY,
    shipment_id BIGINT NOT NULL REFERENCES shipments(id) ON DELETE CASCADE, -- want fk shipment_events.shipment_id -> shipments.id
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
