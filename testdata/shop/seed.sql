-- Demo data: a few products, one user with a session, a coupon and an active time sale.
INSERT INTO users (id, email, name) VALUES (1, 'alice@example.com', 'Alice');
SELECT setval('users_id_seq', 1);
INSERT INTO sessions (token, user_id, expires_at) VALUES ('demo-token', 1, now() + interval '365 days');
INSERT INTO notification_preferences (user_id, email, sms) VALUES (1, true, false);
INSERT INTO shipping_addresses (user_id, line1, city, zip) VALUES (1, 'Hauptstr. 1', 'Berlin', '10115');

INSERT INTO categories (id, name, slug, "position") VALUES
    (1, 'Coffee', 'coffee', 1),
    (2, 'Brewing', 'brewing', 2);
SELECT setval('categories_id_seq', 2);

INSERT INTO products (id, sku, name, description, category_id, price_cents) VALUES
    (1, 'BEAN-ETH', 'Ethiopia Guji beans 250g', 'Floral, bright.', 1, 1290),
    (2, 'BEAN-COL', 'Colombia Huila beans 250g', 'Chocolate, round.', 1, 1150),
    (3, 'V60-02',   'Pour-over dripper', 'Ceramic, size 02.', 2, 2500),
    (4, 'GRIND-1',  'Hand grinder', 'Conical burrs.', 2, 8900),
    (5, 'KETTLE-G', 'Gooseneck kettle', '0.9 l.', 2, 4500);
SELECT setval('products_id_seq', 5);

INSERT INTO inventory (product_id, on_hand) VALUES (1, 100), (2, 80), (3, 30), (4, 10), (5, 20);

INSERT INTO coupons (code, percent_off, max_uses) VALUES ('WELCOME10', 10, 100);

INSERT INTO sales (id, title, starts_at, ends_at) VALUES
    (1, 'Grinder flash sale', now() - interval '1 hour', now() + interval '30 days');
SELECT setval('sales_id_seq', 1);
INSERT INTO sale_items (id, sale_id, product_id, sale_price_cents, quantity, remaining) VALUES
    (1, 1, 4, 5900, 5, 5),
    (2, 1, 3, 1500, 10, 10);
SELECT setval('sale_items_id_seq', 2);
