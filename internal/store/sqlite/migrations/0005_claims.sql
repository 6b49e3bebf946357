-- The firings a scheduler claimed ahead of their instant and not yet due
-- (remind.Claim): the earliest one's instant and how many. A write to the
-- reminder before that instant takes them back so they are planned again
-- from the reminder as written.
ALTER TABLE reminders ADD COLUMN claimed_fire_ms INTEGER;
ALTER TABLE reminders ADD COLUMN claimed_n INTEGER NOT NULL DEFAULT 0;
