-- The access log's GIN index (0018) queues keys in a pending list; a PHI read whose insert overflows the list files
-- all of it first, a few hundred ms. A background worker calls this every few seconds instead, so the list stays
-- short and no read pays for it. gin_clean_pending_list needs the index's owner, hence SECURITY DEFINER; it reads
-- and returns nothing of any practice's rows, only how many pending pages it filed.
CREATE FUNCTION file_access_log_index() RETURNS bigint
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public
    AS $$ SELECT gin_clean_pending_list('public.phi_access_log_patients_by_patient'::regclass) $$;
REVOKE EXECUTE ON FUNCTION file_access_log_index() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION file_access_log_index() TO slices_app;
