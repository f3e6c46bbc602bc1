-- Under row-level security PostgreSQL may only use an index for a condition whose operator is leakproof
-- (it must not run before the policy otherwise). LIKE, citext equality and array containment are not, so
-- the search and access-log lookups of 0003 fell back to scanning the whole practice. These columns and
-- indexes give each lookup a plain text or uuid equality or range, which are leakproof.

-- Name search becomes a prefix search on either name, case-insensitive, in byte order.
ALTER TABLE patients
    ADD COLUMN family_key text COLLATE "C" GENERATED ALWAYS AS (lower(family_name)) STORED,
    ADD COLUMN given_key text COLLATE "C" GENERATED ALWAYS AS (lower(given_name)) STORED,
    ADD COLUMN email_key text COLLATE "C" GENERATED ALWAYS AS (lower(email::text)) STORED;
CREATE INDEX patients_family_key ON patients (practice_id, family_key);
CREATE INDEX patients_given_key ON patients (practice_id, given_key);
CREATE INDEX patients_email_key ON patients (practice_id, email_key) WHERE email_key IS NOT NULL;
DROP INDEX patients_name_search;
DROP INDEX patients_email;

-- One access-log row per patient looked at, so "who looked at this patient" is an index range.
ALTER TABLE phi_access_log ADD COLUMN patient_id uuid;
CREATE INDEX phi_access_log_patient ON phi_access_log (practice_id, patient_id, id);
DROP INDEX phi_access_log_patients;
