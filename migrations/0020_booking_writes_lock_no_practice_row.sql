-- Appointments, prescriptions and clinical notes stop checking their practice_id against practices on every write.
--
-- Each of these rows already references its patient (and its clinician or author) by (practice_id, id), and those
-- rows reference practices themselves, so the composite key proves the practice exists and keeps it from being
-- deleted. The direct check added a KEY SHARE lock on the practice's one row to every booking: concurrent bookings
-- turned it into a multixact and a WAL record each, on the busiest row of the practice. (0011 did the same for the
-- append-only logs.)
ALTER TABLE appointments DROP CONSTRAINT appointments_practice_id_fkey;
ALTER TABLE prescriptions DROP CONSTRAINT prescriptions_practice_id_fkey;
ALTER TABLE clinical_notes DROP CONSTRAINT clinical_notes_practice_id_fkey;
