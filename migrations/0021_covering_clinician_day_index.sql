-- migrate: no transaction
-- A clinician's day read its rows from the table, one heap page each: booked over weeks, a day's appointments lie
-- on as many pages as it has rows, and past a few million appointments most of those pages are not in memory. This
-- index holds every column the list returns, in (starts_at, id) order, so a day comes from a few index pages and
-- needs no sort. It replaces 0004's (practice_id, clinician_id, starts_at), which it leads with. Bookings and
-- status changes already touched indexed columns, so this costs them no HOT updates. Built concurrently so
-- appointments stay bookable during a deploy; each statement can run again after a failure.
DROP INDEX CONCURRENTLY IF EXISTS appointments_clinician_day;
CREATE INDEX CONCURRENTLY appointments_clinician_day ON appointments (practice_id, clinician_id, starts_at, id)
    INCLUDE (patient_id, ends_at, reason, status, cancel_reason, version, created_at);
DROP INDEX CONCURRENTLY IF EXISTS appointments_clinician_start;
