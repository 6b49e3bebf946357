-- Recipients' profiles (zone, language, preferred channels, quiet hours,
-- agenda and digest opt-ins) as the JSON store.EncodeProfile writes; ''
-- when none. Urgent reminders are sent inside quiet hours too.
ALTER TABLE recipients ADD COLUMN profile TEXT NOT NULL DEFAULT '';
ALTER TABLE reminders ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT false;
