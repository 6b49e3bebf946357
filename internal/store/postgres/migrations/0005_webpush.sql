-- Web Push: a recipient that is a browser's push subscription (a subscriber
-- on the webpush channel; the subscription JSON is the subscriber's address).
ALTER TABLE recipients ADD COLUMN webpush BOOLEAN NOT NULL DEFAULT false;
