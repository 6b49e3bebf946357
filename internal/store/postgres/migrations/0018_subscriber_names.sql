-- What a subscriber is called, when the channel tells (a WeChat nickname
-- given through WeChat's sign-in inside its browser); '' when unknown.
ALTER TABLE subscribers ADD COLUMN name TEXT NOT NULL DEFAULT '';
