-- Patients, and the log of every read of PHI (who looked at which patient, when, from where).

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE TABLE patients (
    practice_id   uuid NOT NULL REFERENCES practices (id),
    id            uuid NOT NULL,
    mrn           text CHECK (length(mrn) BETWEEN 1 AND 40),
    given_name    text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name   text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    date_of_birth date NOT NULL,
    sex           text NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    phone         text CHECK (phone ~ '^\+[1-9][0-9]{6,14}$'),
    email         citext CHECK (length(email) BETWEEN 3 AND 254),
    archived_at   timestamptz,
    version       int NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id)
);
CREATE UNIQUE INDEX patients_mrn ON patients (practice_id, mrn) WHERE mrn IS NOT NULL;
CREATE INDEX patients_created ON patients (practice_id, created_at);
CREATE INDEX patients_date_of_birth ON patients (practice_id, date_of_birth);
CREATE INDEX patients_phone ON patients (practice_id, phone) WHERE phone IS NOT NULL;
CREATE INDEX patients_email ON patients (practice_id, email) WHERE email IS NOT NULL;
-- Name search: any part of "family given", case-insensitive, within one practice.
CREATE INDEX patients_name_search ON patients USING gin (practice_id, (lower(family_name || ' ' || given_name)) gin_trgm_ops);

CREATE TABLE phi_access_log (
    practice_id   uuid NOT NULL REFERENCES practices (id),
    id            bigint GENERATED ALWAYS AS IDENTITY,
    accessed_at   timestamptz NOT NULL DEFAULT now(),
    actor_type    text NOT NULL,
    actor_id      uuid,
    action        text NOT NULL CHECK (action IN ('read', 'list', 'history')),
    resource_type text NOT NULL,
    resource_ids  uuid[] NOT NULL,
    patient_ids   uuid[] NOT NULL,
    request_id    text,
    client_ip     inet,
    PRIMARY KEY (practice_id, id)
);
CREATE INDEX phi_access_log_patients ON phi_access_log USING gin (practice_id, patient_ids);
-- The access log is evidence: the API may add to it and read it, never change it.
REVOKE UPDATE, DELETE, TRUNCATE ON phi_access_log FROM slices_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['patients', 'phi_access_log'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
    END LOOP;
END
$$;
