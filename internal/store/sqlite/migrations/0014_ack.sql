-- Acknowledgement and escalation: a reminder's ack policy (JSON, see
-- store.EncodeAck), and each delivery's step in the chain that follows a
-- firing ('' for the firing itself) and, for an escalation to someone
-- else, the uid who did not acknowledge it.
ALTER TABLE reminders ADD COLUMN ack TEXT;
ALTER TABLE deliveries ADD COLUMN step TEXT NOT NULL DEFAULT '';
ALTER TABLE deliveries ADD COLUMN about TEXT NOT NULL DEFAULT '';
-- A confirm cancels the pending follow-ups of one occurrence.
CREATE INDEX deliveries_followups ON deliveries (reminder_id, occurrence_ms) WHERE state = 'pending' AND step <> '';

-- A team-remind app's SMS fallback: an in-app team reminder made through
-- it asks for acknowledgement and goes out by SMS to whoever has not
-- confirmed after this long (0: none).
ALTER TABLE apps ADD COLUMN sms_fallback_ms BIGINT NOT NULL DEFAULT 0;
