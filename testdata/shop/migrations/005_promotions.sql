-- Promotions: coupon codes and who redeemed them.
CREATE TABLE coupons (
    code        TEXT PRIMARY KEY,
    percent_off INT NOT NULL CHECK (percent_off BETWEEN 1 AND 100),
    max_uses    INT NOT NULL DEFAULT 1000,
    used        INT NOT NULL DEFAULT 0,
    expires_at  TIMESTAMPTZ,
    active      BOOLEAN NOT NULL DEFAULT true
);

CREATE TABLE coupon_redemptions (
    id         BIGSERIAL PRIMARY KEY,
    code       TEXT NOT NULL REFERENCES coupons(code), -- want fk coupon_redemptions.code -> coupons.code
    user_id    BIGINT NOT NULL REFERENCES users(id), -- want fk coupon_redemptions.user_id -> users.id
    order_id   BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
