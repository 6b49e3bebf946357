-- A recipient's personal links (/me/{token}) are signed, not stored: the
-- token carries the tenant, the uid and the link version below, which a
-- revoke bumps (old links then fail). No row means version 0. Kept apart
-- from recipients so deleting and re-creating a recipient revives no
-- revoked link.
CREATE TABLE recipient_links (
    tenant_id  TEXT NOT NULL,
    uid        TEXT NOT NULL,
    version    INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, uid)
);

-- An inbox item a snooze made names the item it was snoozed from.
ALTER TABLE inbox ADD COLUMN snoozed_from TEXT NOT NULL DEFAULT '';
