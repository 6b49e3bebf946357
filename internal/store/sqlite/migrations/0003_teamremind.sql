-- The team-remind open API: apps (appId + hashed appSecret, owned by a
-- tenant), short-lived access tokens (hashed, with expiry), the numeric ids
-- the API shows for reminders, and the SMS sends counted per number so the
-- rate limit holds across instances.

CREATE TABLE apps (
    app_id      TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    tenant_id   TEXT NOT NULL REFERENCES tenants(id),
    created_ms  INTEGER NOT NULL
);

CREATE TABLE access_tokens (
    hash       TEXT PRIMARY KEY,
    app_id     TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    expires_ms INTEGER NOT NULL,
    created_ms INTEGER NOT NULL
);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_ms);

CREATE TABLE teamremind_ids (
    num         INTEGER PRIMARY KEY AUTOINCREMENT,
    tenant_id   TEXT NOT NULL,
    reminder_id TEXT NOT NULL UNIQUE
);

CREATE TABLE sms_sends (
    phone       TEXT NOT NULL,
    at_ms       INTEGER NOT NULL,
    delivery_id TEXT NOT NULL
);
CREATE INDEX sms_sends_phone ON sms_sends (phone, at_ms);
