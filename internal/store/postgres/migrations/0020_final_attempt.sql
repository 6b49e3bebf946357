-- The attempt that ends a delivery (delivered, or failed for good) is kept
-- in the delivery's own row (store.Result.Final): its outcome is the row's
-- state, its error the row's last_error, its number the row's attempts.
-- A herd's outcomes were two writes each (the row, then an attempts row);
-- they are one now. Retried attempts still get their own rows.
-- NULL final_at_ms: no attempt here (every row written before this).
ALTER TABLE deliveries ADD COLUMN final_at_ms BIGINT;
ALTER TABLE deliveries ADD COLUMN final_us BIGINT NOT NULL DEFAULT 0;
ALTER TABLE deliveries ADD COLUMN final_code INT NOT NULL DEFAULT 0;
