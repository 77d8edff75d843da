-- Inventory: stock on hand per product, and the movement journal.
CREATE TABLE inventory (
    product_id BIGINT PRIMARY KEY REFERENCES products(id), -- want fk inventory.product_id -> products.id
    on_hand    INT NOT NULL DEFAULT 0,
    reserved   INT NOT NULL DEFAULT 0,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE stock_movements (
    id         BIGSERIAL PRIMARY KEY,
    product_id BIGINT NOT NULL,
    delta      INT NOT NULL,
    reason     TEXT NOT NULL,
    order_id   BIGINT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    FOREIGN KEY (product_id) REFERENCES products(id) -- want fk stock_movements.product_id -> products.id
);
