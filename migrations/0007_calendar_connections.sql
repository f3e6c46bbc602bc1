-- A clinician's link to their Google or Microsoft calendar: the row and its lookup index ("this user's connection
-- to this provider"), so the calendar integration adds its columns (tokens, sync state) to a table already indexed.

CREATE TABLE calendar_connections (
    practice_id uuid NOT NULL REFERENCES practices (id),
    id          uuid NOT NULL,
    user_id     uuid NOT NULL,
    provider    text NOT NULL CHECK (provider IN ('google', 'microsoft')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (practice_id, id),
    FOREIGN KEY (practice_id, user_id) REFERENCES users (practice_id, id)
);
CREATE UNIQUE INDEX calendar_connections_user_provider ON calendar_connections (practice_id, user_id, provider);

ALTER TABLE calendar_connections ENABLE ROW LEVEL SECURITY;
ALTER TABLE calendar_connections FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON calendar_connections USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant());
