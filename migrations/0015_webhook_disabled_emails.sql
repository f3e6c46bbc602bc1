-- When an endpoint is disabled after days of failures, the practice's admins get an email (a notification job).
UPDATE event_consumers SET types = types || ARRAY['webhook.endpoint_disabled'] WHERE name = 'notifications';

-- sent_emails, until now about appointments only, also records these (about an endpoint, sent to each admin).
ALTER TABLE sent_emails ALTER COLUMN appointment_id DROP NOT NULL;
ALTER TABLE sent_emails DROP CONSTRAINT sent_emails_kind_check;
ALTER TABLE sent_emails ADD CONSTRAINT sent_emails_kind_check
    CHECK (kind IN ('confirmation', 'rescheduled', 'reminder', 'cancellation', 'webhook_disabled'));
