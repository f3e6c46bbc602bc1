-- Daily counts of audit events and PHI reads per practice and actor (UTC days), kept up to date by a background job
-- that adds what was appended since its last mark: the logs are read once, by primary key, however large they grow.

CREATE TABLE audit_daily_counts (
    practice_id uuid NOT NULL REFERENCES practices (id),
    day         date NOT NULL,
    actor_type  text NOT NULL,
    actor_id    uuid NOT NULL, -- the nil uuid for the system and anonymous callers
    events      bigint NOT NULL DEFAULT 0 CHECK (events >= 0),
    phi_reads   bigint NOT NULL DEFAULT 0 CHECK (phi_reads >= 0),
    PRIMARY KEY (practice_id, day, actor_type, actor_id)
);

-- How far each practice's logs have been counted.
CREATE TABLE audit_aggregation_marks (
    practice_id   uuid PRIMARY KEY REFERENCES practices (id),
    events_seq    bigint NOT NULL DEFAULT 0,
    access_log_id bigint NOT NULL DEFAULT 0,
    counted_to    timestamptz NOT NULL
);

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['audit_daily_counts', 'audit_aggregation_marks'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant())', t);
        EXECUTE format('REVOKE DELETE, TRUNCATE ON %I FROM slices_app', t);
    END LOOP;
END
$$;
