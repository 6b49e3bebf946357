-- API tokens get ids (shown by `raas token list` and /v1/tokens, used to
-- revoke them) and a last-used time written at most once a minute. The
-- dashboard signs in to sessions kept here, each bound to the token it was
-- opened with: the cookie holds a random session id, stored only hashed,
-- and revoking the token deletes its sessions. The rate-limit janitor
-- removes old windows by their start, which wants an index.
ALTER TABLE tokens ADD COLUMN id TEXT COLLATE "C";
ALTER TABLE tokens ADD COLUMN last_used_ms BIGINT;
UPDATE tokens SET id = md5(random()::text || clock_timestamp()::text || hash) WHERE id IS NULL;
ALTER TABLE tokens ALTER COLUMN id SET NOT NULL;
CREATE UNIQUE INDEX tokens_id ON tokens (id);
CREATE INDEX tokens_tenant ON tokens (tenant_id, id);

CREATE TABLE dashboard_sessions (
    hash       TEXT PRIMARY KEY,
    token_id   TEXT COLLATE "C" NOT NULL,
    tenant_id  TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    created_ms BIGINT NOT NULL,
    expires_ms BIGINT NOT NULL
);
CREATE INDEX dashboard_sessions_token ON dashboard_sessions (token_id, expires_ms);

CREATE INDEX rate_windows_window ON rate_windows (window_ms);
