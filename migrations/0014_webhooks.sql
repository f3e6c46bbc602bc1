-- Webhooks: practices' endpoints, one delivery per event per subscribed endpoint, and every attempt made.

CREATE TABLE webhook_endpoints (
    practice_id        uuid NOT NULL REFERENCES practices (id),
    id                 uuid NOT NULL,
    url                text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    description        text CHECK (length(description) <= 500),
    events             text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 50),
    enabled            boolean NOT NULL DEFAULT true,
    disabled_reason    text CHECK (length(disabled_reason) <= 500),
    -- The signing secret (whsec_...) as key-ring ciphertext; during a rotation the old one signs too, until it expires.
    secret             text NOT NULL CHECK (secret LIKE 'v1:%'),
    previous_secret    text CHECK (previous_secret LIKE 'v1:%'),
    previous_expires_at timestamptz,
    -- Since when every attempt has failed (null after any success): five days of that disables the endpoint.
    failing_since      timestamptz,
    version            int NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id)
);
CREATE INDEX webhook_endpoints_events ON webhook_endpoints USING gin (events) WHERE enabled;

-- One message for one endpoint: its body is fixed when it is fanned out, so every retry sends the same bytes.
CREATE TABLE webhook_deliveries (
    practice_id     uuid NOT NULL,
    id              uuid NOT NULL,
    endpoint_id     uuid NOT NULL,
    message_id      text NOT NULL CHECK (length(message_id) <= 100),
    type            text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
    attempts        int NOT NULL DEFAULT 0,
    next_attempt_at timestamptz,
    last_status     int,
    last_error      text CHECK (length(last_error) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz,
    PRIMARY KEY (practice_id, id),
    UNIQUE (practice_id, endpoint_id, message_id),
    FOREIGN KEY (practice_id, endpoint_id) REFERENCES webhook_endpoints (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries (practice_id, endpoint_id, id DESC);

CREATE TABLE webhook_attempts (
    practice_id  uuid NOT NULL,
    delivery_id  uuid NOT NULL,
    attempt      int NOT NULL,
    attempted_at timestamptz NOT NULL DEFAULT now(),
    status_code  int,
    duration_ms  int NOT NULL,
    error        text CHECK (length(error) <= 500),
    PRIMARY KEY (practice_id, delivery_id, attempt),
    FOREIGN KEY (practice_id, delivery_id) REFERENCES webhook_deliveries (practice_id, id) ON DELETE CASCADE
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['webhook_endpoints', 'webhook_deliveries', 'webhook_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
REVOKE TRUNCATE ON webhook_endpoints, webhook_deliveries, webhook_attempts FROM slices_app;
REVOKE UPDATE, DELETE ON webhook_attempts FROM slices_app;

-- Due deliveries across practices, for the workers to claim (SKIP LOCKED): ids only, no row security needed.
CREATE TABLE webhook_queue (
    delivery_id  uuid PRIMARY KEY,
    practice_id  uuid NOT NULL,
    due_at       timestamptz NOT NULL DEFAULT now(),
    locked_until timestamptz
);
CREATE INDEX webhook_queue_due ON webhook_queue (due_at);

INSERT INTO event_consumers (name, types) VALUES ('webhooks', ARRAY[
    'patient.created', 'patient.updated', 'patient.archived',
    'appointment.%', 'prescription.signed', 'note.signed', 'calendar.event_synced', 'webhook.test']);
