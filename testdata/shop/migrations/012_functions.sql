-- reserve_sale_item holds qty units of a sale item for a user: it takes them from the sale's
-- remaining quantity, reserves them in inventory and records the reservation. It returns the
-- reservation id, or NULL when the item is sold out.
CREATE FUNCTION reserve_sale_item(p_sale_item BIGINT, p_user BIGINT, p_qty INT)
RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    v_product BIGINT;
    v_id      BIGINT;
BEGIN
    UPDATE sale_items SET remaining = remaining - p_qty
     WHERE id = p_sale_item AND remaining >= p_qty
    RETURNING product_id INTO v_product;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    UPDATE inventory SET reserved = reserved + p_qty, updated_at = now()
     WHERE product_id = v_product;
    INSERT INTO sale_reservations (sale_item_id, user_id, qty, expires_at)
    VALUES (p_sale_item, p_user, p_qty, now() + interval '10 minutes')
    RETURNING id INTO v_id;
    RETURN v_id;
END;
$$;
