-- The dashboard's "needs attention" panel reads a tenant's recent failed
-- and missed deliveries; few rows are in those states, so a partial index
-- keeps the read small however many deliveries succeeded.
CREATE INDEX deliveries_failed ON deliveries (tenant_id, updated_ms) WHERE state IN ('failed', 'missed');
