-- The append-only logs stop checking a foreign key on every row.
--
-- Each row of phi_access_log (one per patient shown: a clinician's day writes forty), events and outbox ran a
-- referential-integrity query, and the ones to practices took a KEY SHARE lock on the practice's row, which
-- concurrent requests turn into multixacts. The practice of these rows is already pinned: row-level security's WITH
-- CHECK accepts only the transaction's tenant, which comes from a verified token of an existing practice (or the
-- tenant directory, for background work), and practices are never deleted. The outbox's consumer comes from
-- event_consumers in the very statement that writes it.
ALTER TABLE phi_access_log DROP CONSTRAINT phi_access_log_practice_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_practice_id_fkey;
ALTER TABLE outbox DROP CONSTRAINT outbox_consumer_fkey;
