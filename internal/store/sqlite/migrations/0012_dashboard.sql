-- The dashboard's "needs attention" panel reads a tenant's recent failed
-- and missed deliveries; few rows are in those states, so a partial index
-- keeps the read small however many deliveries succeeded.
CREATE INDEX deliveries_failed ON deliveries (tenant_id, updated_ms) WHERE state IN ('failed', 'missed');

-- A recipient's calendar feed (/c/{token}/calendar.ics): every reminder
-- they are in, as a calendar subscription. The token is the feed's secret.
CREATE TABLE calendar_feeds (
    token      TEXT PRIMARY KEY,
    tenant_id  TEXT NOT NULL,
    uid        TEXT NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX calendar_feeds_recipient ON calendar_feeds (tenant_id, uid);
