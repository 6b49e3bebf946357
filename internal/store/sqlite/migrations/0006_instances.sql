-- Who holds a pending delivery: the instance that leased it (FireDue,
-- LeaseDeliveries), cleared when its outcome is recorded. A restarted
-- server hands back what the previous process held (ReleaseLeases) instead
-- of waiting for the leases to run out.
ALTER TABLE deliveries ADD COLUMN owner TEXT;

-- Instances alive until until_ms, renewed by their heartbeat (the
-- PostgreSQL driver's multi-instance takeover; kept here so both drivers
-- pass one conformance suite).
CREATE TABLE instances (
    id           TEXT PRIMARY KEY,
    heartbeat_ms INTEGER NOT NULL,
    until_ms     INTEGER NOT NULL
);
