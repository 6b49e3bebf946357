-- The morning agenda and the owner's digest (service.Summaries) find the
-- few recipients who asked for one without reading every recipient, and
-- read a tenant's inbox changes of one day by time.
CREATE INDEX recipients_summaries ON recipients (tenant_id, uid)
    WHERE profile LIKE '%"agenda":true%' OR profile LIKE '%"digest":true%';
CREATE INDEX inbox_tenant_updated ON inbox (tenant_id, updated_ms);
