-- Who holds a pending delivery: the instance that leased it (FireDue,
-- LeaseDeliveries), cleared when its outcome is recorded.
ALTER TABLE deliveries ADD COLUMN owner TEXT;

-- One row per running instance, renewed by its heartbeat about every
-- second. An instance past until_ms is dead: the first survivor to notice
-- deletes its row and hands back the pending deliveries it held, so they
-- are sent at their time instead of after their lease.
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    heartbeat_ms BIGINT NOT NULL,
    until_ms     BIGINT NOT NULL
);
