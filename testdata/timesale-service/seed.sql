-- The same active sale as the shop's seed, so both answer alike.
INSERT INTO sales (id, title, starts_at, ends_at) VALUES
    (1, 'Grinder flash sale', now() - interval '1 hour', now() + interval '30 days');
SELECT setval('sales_id_seq', 1);
INSERT INTO sale_items (id, sale_id, product_id, product_name, list_price_cents, sale_price_cents, quantity, remaining) VALUES
    (1, 1, 4, 'Hand grinder', 8900, 5900, 5, 5),
    (2, 1, 3, 'Pour-over dripper', 2500, 1500, 10, 10);
SELECT setval('sale_items_id_seq', 2);
