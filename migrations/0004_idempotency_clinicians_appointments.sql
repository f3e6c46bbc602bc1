-- Idempotent creates, clinicians with their working hours and time off, and appointments that cannot overlap.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- A create's Idempotency-Key, reserved in the same transaction as the change it makes, with the response to replay.
CREATE TABLE idempotency_keys (
    practice_id  uuid NOT NULL REFERENCES practices (id),
    principal    text NOT NULL,
    key          text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    request_hash bytea NOT NULL,
    status       int,
    body         text,
    location     text,
    etag         text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE clinicians (
    practice_id uuid NOT NULL REFERENCES practices (id),
    id          uuid NOT NULL,
    user_id     uuid,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    specialty   text CHECK (length(specialty) <= 100),
    time_zone   text NOT NULL CHECK (length(time_zone) BETWEEN 1 AND 64),
    active      boolean NOT NULL DEFAULT true,
    version     int NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id)
);
CREATE UNIQUE INDEX clinicians_user ON clinicians (practice_id, user_id) WHERE user_id IS NOT NULL;

-- Weekly hours in the clinician's own time zone; ISO weekday, 1 = Monday.
CREATE TABLE clinician_hours (
    practice_id  uuid NOT NULL,
    clinician_id uuid NOT NULL,
    weekday      smallint NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts       time NOT NULL,
    ends         time NOT NULL CHECK (ends > starts),
    PRIMARY KEY (practice_id, clinician_id, weekday, starts),
    FOREIGN KEY (practice_id, clinician_id) REFERENCES clinicians (practice_id, id) ON DELETE CASCADE
);

CREATE TABLE clinician_time_off (
    practice_id  uuid NOT NULL,
    id           uuid NOT NULL,
    clinician_id uuid NOT NULL,
    period       tstzrange NOT NULL CHECK (NOT isempty(period)),
    reason       text CHECK (length(reason) <= 200),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, clinician_id) REFERENCES clinicians (practice_id, id) ON DELETE CASCADE
);
CREATE INDEX clinician_time_off_period ON clinician_time_off USING gist (practice_id, clinician_id, period);

CREATE TABLE appointments (
    practice_id   uuid NOT NULL REFERENCES practices (id),
    id            uuid NOT NULL,
    patient_id    uuid NOT NULL,
    clinician_id  uuid NOT NULL,
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    period        tstzrange GENERATED ALWAYS AS (tstzrange(starts_at, ends_at, '[)')) STORED,
    reason        text CHECK (length(reason) <= 500),
    status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'checked_in', 'completed', 'cancelled', 'no_show')),
    cancel_reason text CHECK (length(cancel_reason) <= 500),
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, patient_id) REFERENCES patients (practice_id, id),
    FOREIGN KEY (practice_id, clinician_id) REFERENCES clinicians (practice_id, id),
    CHECK (ends_at > starts_at AND ends_at - starts_at <= interval '8 hours'),
    -- A clinician is in one place at a time: no two live appointments of theirs overlap, whatever the race.
    CONSTRAINT appointments_no_overlap EXCLUDE USING gist (practice_id WITH =, clinician_id WITH =, period WITH &&) WHERE (status <> 'cancelled')
);
CREATE INDEX appointments_clinician_start ON appointments (practice_id, clinician_id, starts_at);
CREATE INDEX appointments_patient_start ON appointments (practice_id, patient_id, starts_at);
CREATE INDEX appointments_start ON appointments (practice_id, starts_at);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['idempotency_keys', 'clinicians', 'clinician_hours', 'clinician_time_off', 'appointments'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
