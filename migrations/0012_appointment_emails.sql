-- Appointment emails (confirmation, change of time, reminder, cancellation) are background jobs derived from the
-- event store: the outbox row for the 'notifications' consumer is written in the event's own transaction.

INSERT INTO event_consumers (name, types) VALUES
    ('notifications', ARRAY['appointment.scheduled', 'appointment.rescheduled', 'appointment.cancelled']);

-- One row per email handed to the relay, claimed in the transaction that sends it: a retried or duplicated job finds
-- the row and sends nothing. No address and no content here, only what the email was about.
CREATE TABLE sent_emails (
    practice_id    uuid NOT NULL REFERENCES practices (id),
    dedupe_key     text NOT NULL CHECK (length(dedupe_key) BETWEEN 1 AND 200),
    kind           text NOT NULL CHECK (kind IN ('confirmation', 'rescheduled', 'reminder', 'cancellation')),
    appointment_id uuid NOT NULL,
    message_id     text NOT NULL CHECK (length(message_id) <= 200),
    sent_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, dedupe_key)
);
CREATE INDEX sent_emails_appointment ON sent_emails (practice_id, appointment_id);
ALTER TABLE sent_emails ENABLE ROW LEVEL SECURITY;
ALTER TABLE sent_emails FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sent_emails USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant());
REVOKE UPDATE, TRUNCATE ON sent_emails FROM slices_app;

-- The job reads a patient's address as the system: that read goes in the access log like any other.
ALTER TABLE phi_access_log DROP CONSTRAINT IF EXISTS phi_access_log_action_check;
ALTER TABLE phi_access_log ADD CONSTRAINT phi_access_log_action_check CHECK (action IN ('read', 'list', 'history', 'notify')) NOT VALID; -- the rows already there all pass; no scan of the log under lock
