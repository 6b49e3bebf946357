-- The firings a scheduler claimed ahead of their instant (remind.Reminder
-- .Claimed), as a JSON array of Unix milliseconds, oldest first; NULL when
-- none. A write to the reminder before one of them is due takes those not
-- yet due back, so they are planned again from the reminder as written.
ALTER TABLE reminders ADD COLUMN claimed TEXT;
