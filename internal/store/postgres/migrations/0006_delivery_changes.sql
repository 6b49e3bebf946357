-- One counter of committed changes that can take a delivery out of pending
-- by other means than recording its outcome (reminder updates, cancels,
-- deletes), bumped in their transactions. A dispatcher reads it before it
-- leases deliveries and again before it sends them; when it has not moved,
-- no instance can have cancelled them and the per-delivery check is skipped.
CREATE TABLE delivery_changes (
	id SMALLINT PRIMARY KEY CHECK (id = 1),
	n  BIGINT NOT NULL
);
INSERT INTO delivery_changes (id, n) VALUES (1, 0);
