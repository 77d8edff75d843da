-- Payments live in their own schema: billing.
CREATE SCHEMA billing;

CREATE TABLE billing.payments (
    id           BIGSERIAL PRIMARY KEY,
    order_id     BIGINT NOT NULL REFERENCES public.orders(id), -- want fk billing.payments.order_id -> orders.id
    amount_cents BIGINT NOT NULL,
    currency     TEXT NOT NULL DEFAULT 'EUR',
    status       TEXT NOT NULL DEFAULT 'authorized',
    provider_ref TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE billing.refunds (
    id           BIGSERIAL PRIMARY KEY,
    payment_id   BIGINT NOT NULL REFERENCES billing.payments(id), -- want fk billing.refunds.payment_id -> billing.payments.id
    amount_cents BIGINT NOT NULL CHECK (amount_cents > 0),
    reason       TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
