-- Recipients' contacts: group robots (DingTalk, Feishu, WeCom; their
-- secrets sealed by the service) and notification-service URLs, as the
-- JSON store.EncodeContacts writes; '' when none.
ALTER TABLE recipients ADD COLUMN contacts TEXT NOT NULL DEFAULT '';
