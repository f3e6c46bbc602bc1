-- Practices (the tenants), their staff, sessions, API keys, and the append-only, hash-chained event store.
-- Every tenant table: practice_id, row-level security with FORCE, unique indexes that include practice_id,
-- and composite foreign keys on (practice_id, id) so a row can only ever point at rows of its own practice.

CREATE EXTENSION IF NOT EXISTS citext;

-- The practice this transaction runs for, set with set_config('app.tenant_id', ..., true). Unset matches nothing.
CREATE FUNCTION current_tenant() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE practices (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    require_mfa boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    practice_id              uuid NOT NULL REFERENCES practices (id),
    id                       uuid NOT NULL,
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email                    citext NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    role                     text NOT NULL CHECK (role IN ('admin', 'clinician', 'staff')),
    password_hash            text NOT NULL,
    disabled_at              timestamptz,
    failed_logins            int NOT NULL DEFAULT 0,
    failed_window_started_at timestamptz,
    locked_until             timestamptz,
    totp_secret              text,
    totp_confirmed_at        timestamptz,
    totp_last_step           bigint,
    version                  int NOT NULL DEFAULT 1,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    UNIQUE (practice_id, email)
);

-- The one table outside any tenant: which practice and user an email signs in to. Login starts with only an
-- email, before any tenant is known. It holds no more than the email and two ids.
CREATE TABLE user_logins (
    email       citext PRIMARY KEY,
    practice_id uuid NOT NULL,
    user_id     uuid NOT NULL,
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id) DEFERRABLE INITIALLY DEFERRED
);

CREATE TABLE sessions (
    practice_id    uuid NOT NULL,
    id             uuid NOT NULL,
    user_id        uuid NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    last_seen_at   timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    revoked_reason text,
    ip             inet,
    user_agent     text CHECK (length(user_agent) <= 500),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id)
);
CREATE INDEX sessions_user ON sessions (practice_id, user_id) WHERE revoked_at IS NULL;

CREATE TABLE refresh_tokens (
    practice_id uuid NOT NULL,
    id          uuid NOT NULL,
    session_id  uuid NOT NULL,
    token_hash  bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (practice_id, id),
    UNIQUE (practice_id, token_hash),
    FOREIGN KEY (practice_id, session_id) REFERENCES sessions (practice_id, id)
);

CREATE TABLE api_keys (
    practice_id  uuid NOT NULL REFERENCES practices (id),
    id           uuid NOT NULL,
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    secret_hash  bytea NOT NULL,
    scopes       text[] NOT NULL,
    created_by   uuid NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (practice_id, id)
);

CREATE TABLE recovery_codes (
    practice_id uuid NOT NULL,
    user_id     uuid NOT NULL,
    code_hash   bytea NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (practice_id, user_id, code_hash),
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id)
);

-- The event store: the audit trail, the replay source and the outbox. Hash-chained per practice in seq order.
CREATE TABLE events (
    practice_id uuid NOT NULL REFERENCES practices (id),
    seq         bigint NOT NULL,
    id          uuid NOT NULL,
    stream      text NOT NULL CHECK (length(stream) BETWEEN 1 AND 200),
    version     int NOT NULL CHECK (version > 0),
    type        text NOT NULL CHECK (type ~ '^[a-z_]+(\.[a-z_]+)+$'),
    data        jsonb NOT NULL,
    actor_type  text NOT NULL CHECK (actor_type IN ('user', 'api_key', 'system', 'anonymous')),
    actor_id    uuid,
    request_id  text,
    occurred_at timestamptz NOT NULL,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    PRIMARY KEY (practice_id, seq),
    UNIQUE (practice_id, stream, version),
    UNIQUE (practice_id, id)
);
CREATE INDEX events_type ON events (practice_id, type, seq);
CREATE INDEX events_occurred ON events (practice_id, occurred_at);

-- The last link of each practice's chain; appends lock it, so a practice's events get gap-free seq numbers.
CREATE TABLE event_chain_heads (
    practice_id uuid PRIMARY KEY REFERENCES practices (id),
    seq         bigint NOT NULL,
    hash        bytea NOT NULL
);

-- The canonical content an event's hash covers: a JSON array, so no field can bleed into the next.
CREATE FUNCTION event_digest(prev_hash bytea, id uuid, practice_id uuid, seq bigint, stream text, version int, type text,
                             data jsonb, actor_type text, actor_id uuid, request_id text, occurred_at timestamptz)
    RETURNS bytea LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$
    SELECT sha256(prev_hash || convert_to(jsonb_build_array(id, practice_id, seq, stream, version, type, data,
        actor_type, actor_id, request_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))::text, 'UTF8'))
    $$;

CREATE FUNCTION append_event(p_id uuid, p_stream text, p_version int, p_type text, p_data jsonb,
                             p_actor_type text, p_actor_id uuid, p_request_id text, p_occurred_at timestamptz)
    RETURNS bigint LANGUAGE plpgsql
    AS $$
DECLARE
    tenant uuid := current_tenant();
    head_seq bigint;
    head_hash bytea;
    next_hash bytea;
BEGIN
    IF tenant IS NULL THEN
        RAISE EXCEPTION 'append_event needs app.tenant_id' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO event_chain_heads (practice_id, seq, hash) VALUES (tenant, 0, decode(repeat('00', 32), 'hex'))
        ON CONFLICT (practice_id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM event_chain_heads WHERE practice_id = tenant FOR UPDATE;
    -- No version given: the next one in the stream (safe, the chain head lock serialises the practice's appends).
    -- A version given is the writer's expectation: if another writer took it, the unique index answers 23505.
    IF p_version IS NULL THEN
        SELECT coalesce(max(version), 0) + 1 INTO p_version FROM events WHERE practice_id = tenant AND stream = p_stream;
    END IF;
    next_hash := event_digest(head_hash, p_id, tenant, head_seq + 1, p_stream, p_version, p_type, p_data,
                              p_actor_type, p_actor_id, p_request_id, p_occurred_at);
    INSERT INTO events (practice_id, seq, id, stream, version, type, data, actor_type, actor_id, request_id, occurred_at, prev_hash, hash)
        VALUES (tenant, head_seq + 1, p_id, p_stream, p_version, p_type, p_data, p_actor_type, p_actor_id, p_request_id, p_occurred_at, head_hash, next_hash);
    UPDATE event_chain_heads SET seq = head_seq + 1, hash = next_hash WHERE practice_id = tenant;
    RETURN head_seq + 1;
END
$$;

-- Append-only for everyone, the owner included; only disabling the trigger (an audited act) gets past it,
-- and /audit/verify then finds the altered row.
CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'insufficient_privilege'; END $$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();
REVOKE UPDATE, DELETE, TRUNCATE ON events FROM slices_app;
REVOKE DELETE, TRUNCATE ON event_chain_heads FROM slices_app;

-- Row-level security on every tenant table, forced for the owner too.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'sessions', 'refresh_tokens', 'api_keys', 'recovery_codes', 'events', 'event_chain_heads'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
ALTER TABLE practices ENABLE ROW LEVEL SECURITY;
ALTER TABLE practices FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON practices USING (id = current_tenant()) WITH CHECK (id = current_tenant());
