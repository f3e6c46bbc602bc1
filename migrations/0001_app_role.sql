-- The role split of DESIGN.md: migrations run as the owner of the schema; the API connects as a login that is a
-- member of slices_app, which owns nothing and has no BYPASSRLS, so row-level security always applies to it.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'slices_app') THEN
        CREATE ROLE slices_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
    END IF;
END
$$;

REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO slices_app;

-- Every table and sequence the owner creates from here on is usable (not alterable) by the app role.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO slices_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO slices_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO slices_app;

-- Readiness reads the journal to know every migration is applied; the app may read it, never write it.
GRANT SELECT ON public.schema_migrations TO slices_app;
