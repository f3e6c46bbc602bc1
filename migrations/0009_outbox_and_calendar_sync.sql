-- The outbox that background consumers are fed from, a directory of tenants for work that spans practices,
-- and the calendar integration: OAuth state, encrypted tokens, pushed events and pulled busy times.

-- Work that spans practices (re-encryption, key reports) needs to know which practices exist, yet practices is
-- tenant-isolated. This list holds nothing but their ids; the work then runs inside each practice in turn.
CREATE TABLE tenant_directory (
    practice_id uuid PRIMARY KEY REFERENCES practices (id)
);
REVOKE UPDATE, DELETE, TRUNCATE ON tenant_directory FROM slices_app;

CREATE FUNCTION register_tenant() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN INSERT INTO tenant_directory (practice_id) VALUES (NEW.id); RETURN NEW; END $$;
CREATE TRIGGER practices_register AFTER INSERT ON practices FOR EACH ROW EXECUTE FUNCTION register_tenant();

-- Practices that existed before this migration: the owner lifts its own forced row security for this one read.
ALTER TABLE practices NO FORCE ROW LEVEL SECURITY;
INSERT INTO tenant_directory (practice_id) SELECT id FROM practices ON CONFLICT DO NOTHING;
ALTER TABLE practices FORCE ROW LEVEL SECURITY;

-- Which consumer wants which event types (LIKE patterns). A consumer is code; registering it is a migration.
CREATE TABLE event_consumers (
    name  text PRIMARY KEY CHECK (name ~ '^[a-z_]+$'),
    types text[] NOT NULL
);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON event_consumers FROM slices_app;

-- One row per event per interested consumer, written by a trigger in the event's own transaction: a crash between
-- the change and its side effect cannot lose the side effect. Ids and types only: no PHI leaves the tenant tables.
-- Consumers claim due rows with SKIP LOCKED, so any number of workers share them; a handled row is deleted.
CREATE TABLE outbox (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer     text NOT NULL REFERENCES event_consumers (name),
    practice_id  uuid NOT NULL,
    seq          bigint NOT NULL,
    stream       text NOT NULL,
    type         text NOT NULL,
    due_at       timestamptz NOT NULL DEFAULT now(),
    attempts     int NOT NULL DEFAULT 0,
    locked_until timestamptz,
    last_error   text CHECK (length(last_error) <= 500),
    failed_at    timestamptz
);
CREATE INDEX outbox_due ON outbox (consumer, due_at) WHERE failed_at IS NULL;

CREATE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO outbox (consumer, practice_id, seq, stream, type)
        SELECT c.name, NEW.practice_id, NEW.seq, NEW.stream, NEW.type FROM event_consumers c WHERE NEW.type LIKE ANY (c.types);
    RETURN NEW;
END
$$;
CREATE TRIGGER events_fan_out AFTER INSERT ON events FOR EACH ROW EXECUTE FUNCTION fan_out_event();

INSERT INTO event_consumers (name, types) VALUES ('calendar', ARRAY['appointment.%', 'calendar.connected']);

-- A connection's tokens are key-ring ciphertext (never plaintext); status says whether it can still sync.
ALTER TABLE calendar_connections
    ADD COLUMN status        text NOT NULL DEFAULT 'connected' CHECK (status IN ('connected', 'reauth_required')),
    ADD COLUMN access_token  text CHECK (access_token LIKE 'v1:%'),
    ADD COLUMN refresh_token text CHECK (refresh_token LIKE 'v1:%'),
    ADD COLUMN expires_at    timestamptz,
    ADD COLUMN last_sync_at  timestamptz,
    ADD COLUMN last_error    text CHECK (length(last_error) <= 500),
    ADD COLUMN updated_at    timestamptz NOT NULL DEFAULT now();

-- An authorization in progress: the PKCE verifier (encrypted) and where to send the browser back; single use, 10 minutes.
CREATE TABLE calendar_oauth_states (
    practice_id   uuid NOT NULL REFERENCES practices (id),
    id            uuid NOT NULL,
    user_id       uuid NOT NULL,
    provider      text NOT NULL CHECK (provider IN ('google', 'microsoft')),
    code_verifier text NOT NULL CHECK (code_verifier LIKE 'v1:%'),
    return_url    text CHECK (length(return_url) <= 2000),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz,
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id)
);

-- The provider's event for an appointment, so a retried push updates it instead of creating a second one.
CREATE TABLE calendar_event_links (
    practice_id       uuid NOT NULL,
    connection_id     uuid NOT NULL,
    appointment_id    uuid NOT NULL,
    provider_event_id text NOT NULL CHECK (length(provider_event_id) BETWEEN 1 AND 1024),
    synced_version    int NOT NULL,
    deleted           boolean NOT NULL DEFAULT false,
    synced_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, connection_id, appointment_id),
    FOREIGN KEY (practice_id, connection_id) REFERENCES calendar_connections (practice_id, id) ON DELETE CASCADE,
    FOREIGN KEY (practice_id, appointment_id) REFERENCES appointments (practice_id, id)
);

-- Busy times pulled from a clinician's own calendar (events Slices did not put there), which availability excludes.
CREATE TABLE calendar_busy (
    practice_id   uuid NOT NULL,
    connection_id uuid NOT NULL,
    clinician_id  uuid NOT NULL,
    period        tstzrange NOT NULL CHECK (NOT isempty(period)),
    FOREIGN KEY (practice_id, connection_id) REFERENCES calendar_connections (practice_id, id) ON DELETE CASCADE,
    FOREIGN KEY (practice_id, clinician_id) REFERENCES clinicians (practice_id, id)
);
CREATE INDEX calendar_busy_clinician ON calendar_busy USING gist (practice_id, clinician_id, period);
CREATE INDEX calendar_busy_connection ON calendar_busy (practice_id, connection_id);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['calendar_oauth_states', 'calendar_event_links', 'calendar_busy'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
