-- migrate: no transaction
-- Name search picked its page by reading every patient whose name has the prefix from the table, so a common
-- surname in a large practice cost hundreds of heap reads. These indexes also hold id and archived_at: each name's
-- first page comes from the index alone, and only the rows shown are read. They replace the two-column name
-- indexes of 0006 (same leading columns). Built concurrently so patients stay writable during a deploy; each
-- statement can run again after a failure (a failed concurrent build leaves an invalid index, dropped first).
DROP INDEX CONCURRENTLY IF EXISTS patients_family_search;
CREATE INDEX CONCURRENTLY patients_family_search ON patients (practice_id, family_key, id) INCLUDE (archived_at);
DROP INDEX CONCURRENTLY IF EXISTS patients_given_search;
CREATE INDEX CONCURRENTLY patients_given_search ON patients (practice_id, given_key, id) INCLUDE (archived_at);
DROP INDEX CONCURRENTLY IF EXISTS patients_family_key;
DROP INDEX CONCURRENTLY IF EXISTS patients_given_key;
