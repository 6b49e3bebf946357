-- WeCron subscriptions: a public subscribe link per reminder and the people
-- who subscribed through it. A confirmed subscriber is also a row in
-- recipients (uid = subscribers.id) listed in the reminder's recipients.
CREATE TABLE subscribe_links (
    token            TEXT PRIMARY KEY,
    tenant_id        TEXT COLLATE "C" NOT NULL,
    reminder_id      TEXT COLLATE "C" NOT NULL UNIQUE,
    wechat_ticket    TEXT NOT NULL DEFAULT '',
    wechat_expire_ms BIGINT NOT NULL DEFAULT 0,
    created_ms       BIGINT NOT NULL
);

CREATE TABLE subscribers (
    id          TEXT COLLATE "C" PRIMARY KEY,
    tenant_id   TEXT COLLATE "C" NOT NULL,
    reminder_id TEXT COLLATE "C" NOT NULL,
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    state       TEXT NOT NULL,
    token       TEXT NOT NULL UNIQUE,
    created_ms  BIGINT NOT NULL,
    updated_ms  BIGINT NOT NULL
);
CREATE INDEX subscribers_reminder ON subscribers (reminder_id, id);
