-- The PHI access log writes one row per read, not one per patient shown.
--
-- A clinician's day showed forty patients and wrote forty wide log rows, each with two entries in randomly placed
-- btree pages: about 300 µs of the database's time, most of what the read cost. Now a read that shows one patient
-- writes one row that names them in patient_id, as before. A read that shows several writes one row whose
-- patient_ids run parallel to its resource_ids (resource_ids[i] belongs to patient_ids[i]) and leaves patient_id
-- empty, plus one row here that a GIN index files under each of those patients. GIN queues a row's keys in its
-- pending list and files them in bulk later, so forty patients cost about what one does.
-- Rows already written keep their shape (one patient each, in patient_id) and are read as before.
CREATE TABLE phi_access_log_patients (
    practice_id uuid NOT NULL,
    log_id      bigint NOT NULL,
    patient_ids uuid[] NOT NULL
);
CREATE INDEX phi_access_log_patients_by_patient ON phi_access_log_patients USING gin (patient_ids);
-- The cost moves to the pending list's filing: vacuum does it in the background, but a list that reaches
-- gin_pending_list_limit (4 MB, about 3,000 rows here) is filed by the insert that overflowed it. Measured at 1M
-- patients: p99.9 of inserts 8 ms, as with the forty btree rows, but the slowest 0.4 to 0.7 s, against 0.08 s.
REVOKE UPDATE, DELETE, TRUNCATE ON phi_access_log_patients FROM slices_app;

-- The patient whose access log this transaction reads, set with set_config('app.audit_patient', ..., true).
CREATE FUNCTION audit_patient() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$ SELECT nullif(current_setting('app.audit_patient', true), '')::uuid $$;

-- Under row-level security an index may only answer a condition that is leakproof or that the policy itself states
-- (array containment is not leakproof: as the query's own condition it would be checked after the policy, on every
-- row of the practice). So the policy that lets a row be read names the patient too: a transaction sees the rows of
-- its practice that mention the patient it set, and none when it set no patient.
ALTER TABLE phi_access_log_patients ENABLE ROW LEVEL SECURITY;
ALTER TABLE phi_access_log_patients FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_writes ON phi_access_log_patients FOR INSERT
    WITH CHECK (practice_id = current_tenant());
CREATE POLICY patient_reads ON phi_access_log_patients FOR SELECT
    USING (practice_id = current_tenant() AND patient_ids @> ARRAY[audit_patient()]);
