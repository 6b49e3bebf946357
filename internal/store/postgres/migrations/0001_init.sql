-- The SQLite schema in PostgreSQL types. Times are BIGINT Unix milliseconds,
-- as in SQLite, so the two drivers stay alike. Ids and other ordered keys use
-- the "C" collation: cursor pagination relies on byte order, whatever the
-- database's default collation is.

CREATE TABLE tenants (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    avatar_url   TEXT NOT NULL DEFAULT '',
    tz           TEXT NOT NULL,
    date_hour    INTEGER NOT NULL,
    created_ms   BIGINT NOT NULL
);

CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    tenant_id  TEXT COLLATE "C" NOT NULL REFERENCES tenants(id),
    created_ms BIGINT NOT NULL
);

CREATE TABLE reminders (
    id           TEXT COLLATE "C" PRIMARY KEY,
    tenant_id    TEXT COLLATE "C" NOT NULL,
    title        TEXT NOT NULL,
    "desc"       TEXT NOT NULL,
    at_ms        BIGINT,
    rrule        TEXT NOT NULL,
    tz           TEXT NOT NULL,
    start_ms     BIGINT NOT NULL,
    defer_min    INTEGER NOT NULL,
    external_url TEXT NOT NULL,
    recipients   JSONB NOT NULL,
    channels     JSONB NOT NULL,
    status       TEXT NOT NULL,
    next_fire_ms BIGINT,
    fired_count  INTEGER NOT NULL DEFAULT 0,
    source       TEXT NOT NULL,
    meta         JSONB NOT NULL,
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL,
    deleted_ms   BIGINT
);
CREATE INDEX reminders_due ON reminders (next_fire_ms) WHERE status = 'active' AND next_fire_ms IS NOT NULL;
CREATE INDEX reminders_tenant ON reminders (tenant_id, id);

CREATE TABLE idempotency (
    tenant_id   TEXT COLLATE "C" NOT NULL,
    key         TEXT NOT NULL,
    body_hash   TEXT NOT NULL,
    reminder_id TEXT COLLATE "C" NOT NULL,
    created_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, key)
);

CREATE TABLE recipients (
    tenant_id      TEXT COLLATE "C" NOT NULL,
    uid            TEXT COLLATE "C" NOT NULL,
    name           TEXT NOT NULL,
    email          TEXT NOT NULL,
    phone          TEXT NOT NULL,
    wechat_openid  TEXT NOT NULL,
    webhook_url    TEXT NOT NULL,
    webhook_secret TEXT NOT NULL,
    muted          BOOLEAN NOT NULL,
    created_ms     BIGINT NOT NULL,
    updated_ms     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, uid)
);

CREATE TABLE webhooks (
    id         TEXT COLLATE "C" PRIMARY KEY,
    tenant_id  TEXT COLLATE "C" NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_ms BIGINT NOT NULL
);
CREATE INDEX webhooks_tenant ON webhooks (tenant_id);

CREATE TABLE deliveries (
    id              TEXT COLLATE "C" PRIMARY KEY,
    tenant_id       TEXT COLLATE "C" NOT NULL,
    reminder_id     TEXT COLLATE "C" NOT NULL,
    occurrence_ms   BIGINT NOT NULL,
    due_ms          BIGINT NOT NULL,
    recipient       TEXT NOT NULL,
    channel         TEXT NOT NULL,
    target          TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_ms BIGINT NOT NULL,
    late            BOOLEAN NOT NULL,
    payload         BYTEA NOT NULL,
    last_error      TEXT NOT NULL,
    created_ms      BIGINT NOT NULL,
    updated_ms      BIGINT NOT NULL,
    finished_ms     BIGINT
);
CREATE INDEX deliveries_pending ON deliveries (next_attempt_ms) WHERE state = 'pending';
CREATE INDEX deliveries_reminder ON deliveries (reminder_id, due_ms);

CREATE TABLE attempts (
    delivery_id TEXT COLLATE "C" NOT NULL,
    n           INTEGER NOT NULL,
    at_ms       BIGINT NOT NULL,
    duration_us BIGINT NOT NULL,
    outcome     TEXT NOT NULL,
    status_code INTEGER NOT NULL,
    error       TEXT NOT NULL,
    PRIMARY KEY (delivery_id, n)
);

CREATE TABLE inbox (
    id            TEXT COLLATE "C" PRIMARY KEY,
    tenant_id     TEXT COLLATE "C" NOT NULL,
    uid           TEXT COLLATE "C" NOT NULL,
    reminder_id   TEXT COLLATE "C" NOT NULL,
    title         TEXT NOT NULL,
    "desc"        TEXT NOT NULL,
    external_url  TEXT NOT NULL,
    occurrence_ms BIGINT NOT NULL,
    status        INTEGER NOT NULL,
    created_ms    BIGINT NOT NULL,
    updated_ms    BIGINT NOT NULL
);
CREATE INDEX inbox_uid ON inbox (tenant_id, uid, id);
CREATE INDEX inbox_reminder ON inbox (reminder_id);
