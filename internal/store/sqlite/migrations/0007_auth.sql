-- API tokens get ids (shown by `raas token list` and /v1/tokens, used to
-- revoke them) and a last-used time written at most once a minute. The
-- dashboard signs in to sessions kept here, each bound to the token it was
-- opened with: the cookie holds a random session id, stored only hashed,
-- and revoking the token deletes its sessions.
ALTER TABLE tokens ADD COLUMN id TEXT;
ALTER TABLE tokens ADD COLUMN last_used_ms INTEGER;
UPDATE tokens SET id = lower(hex(randomblob(16))) WHERE id IS NULL;
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_tenant ON tokens (tenant_id, id);

CREATE TABLE dashboard_sessions (
    hash       TEXT PRIMARY KEY,
    token_id   TEXT NOT NULL,
    tenant_id  TEXT NOT NULL REFERENCES tenants(id),
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL
);
CREATE INDEX dashboard_sessions_token ON dashboard_sessions (token_id, expires_ms);
