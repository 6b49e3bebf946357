-- Request counts per rate-limit key and window, shared by every instance.
CREATE TABLE rate_windows (
    key       TEXT   NOT NULL,
    window_ms BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (key, window_ms)
);
