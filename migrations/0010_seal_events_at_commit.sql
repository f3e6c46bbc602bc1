-- Events are chained at commit, not at append.
--
-- append_event used to lock the practice's chain head as soon as a request appended, and held it through the rest
-- of the request's statements and the commit's round trips: a practice's writes queued behind one another for the
-- whole of that time. Now append_event only stages the event; a deferred constraint trigger seals it (stream
-- version, seq, hash, the outbox fan-out) when the transaction commits, so the lock is held for the sealing and the
-- WAL flush only. The chain, its digest and its verification are unchanged; seq order is commit order.

-- Staged events of transactions still running. Unlogged: a row lives only until its own transaction commits (and
-- is deleted then), and a crash that empties the table can only hit transactions that never committed.
CREATE UNLOGGED TABLE event_pending (
    practice_id uuid NOT NULL,
    id          uuid NOT NULL,
    stream      text NOT NULL,
    version     int,
    type        text NOT NULL,
    data        jsonb NOT NULL,
    actor_type  text NOT NULL,
    actor_id    uuid,
    request_id  text,
    occurred_at timestamptz NOT NULL,
    PRIMARY KEY (practice_id, id)
);
ALTER TABLE event_pending ENABLE ROW LEVEL SECURITY;
ALTER TABLE event_pending FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON event_pending USING (practice_id = current_tenant()) WITH CHECK (practice_id = current_tenant());
REVOKE UPDATE, TRUNCATE ON event_pending FROM slices_app;

-- The same digest, as PL/pgSQL: its plan is kept for the session. As a SQL function called from PL/pgSQL (not
-- inlinable, as its body is only stable), it was parsed and planned again in every transaction that sealed an event.
CREATE OR REPLACE FUNCTION event_digest(prev_hash bytea, id uuid, practice_id uuid, seq bigint, stream text, version int, type text,
                                        data jsonb, actor_type text, actor_id uuid, request_id text, occurred_at timestamptz)
    RETURNS bytea LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN sha256(prev_hash || convert_to(jsonb_build_array(id, practice_id, seq, stream, version, type, data,
        actor_type, actor_id, request_id, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'))::text, 'UTF8'));
END
$$;

CREATE FUNCTION seal_event() RETURNS trigger LANGUAGE plpgsql
    AS $$
DECLARE
    head_seq bigint;
    head_hash bytea;
    next_hash bytea;
    v int := NEW.version;
BEGIN
    SELECT seq, hash INTO head_seq, head_hash FROM event_chain_heads WHERE practice_id = NEW.practice_id FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO event_chain_heads (practice_id, seq, hash) VALUES (NEW.practice_id, 0, decode(repeat('00', 32), 'hex'))
            ON CONFLICT (practice_id) DO NOTHING;
        SELECT seq, hash INTO head_seq, head_hash FROM event_chain_heads WHERE practice_id = NEW.practice_id FOR UPDATE;
    END IF;
    -- No version given: the next one in the stream (safe, the chain head lock serialises the practice's seals).
    -- A version given is the writer's expectation: if another writer took it, the unique index answers 23505.
    IF v IS NULL THEN
        SELECT coalesce(max(version), 0) + 1 INTO v FROM events WHERE practice_id = NEW.practice_id AND stream = NEW.stream;
    END IF;
    next_hash := event_digest(head_hash, NEW.id, NEW.practice_id, head_seq + 1, NEW.stream, v, NEW.type, NEW.data,
                              NEW.actor_type, NEW.actor_id, NEW.request_id, NEW.occurred_at);
    INSERT INTO events (practice_id, seq, id, stream, version, type, data, actor_type, actor_id, request_id, occurred_at, prev_hash, hash)
        VALUES (NEW.practice_id, head_seq + 1, NEW.id, NEW.stream, v, NEW.type, NEW.data, NEW.actor_type, NEW.actor_id,
                NEW.request_id, NEW.occurred_at, head_hash, next_hash);
    UPDATE event_chain_heads SET seq = head_seq + 1, hash = next_hash WHERE practice_id = NEW.practice_id;
    DELETE FROM event_pending WHERE practice_id = NEW.practice_id AND id = NEW.id;
    RETURN NULL;
END
$$;

-- Deferred row triggers fire at commit in the order the rows were staged, so a transaction's events keep their order.
CREATE CONSTRAINT TRIGGER event_pending_seal AFTER INSERT ON event_pending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION seal_event();

-- Same signature, so instances still running the previous release keep working during a rolling deploy; the seq it
-- used to return is not known until commit, so it returns NULL.
CREATE OR REPLACE FUNCTION append_event(p_id uuid, p_stream text, p_version int, p_type text, p_data jsonb,
                                        p_actor_type text, p_actor_id uuid, p_request_id text, p_occurred_at timestamptz)
    RETURNS bigint LANGUAGE plpgsql
    AS $$
BEGIN
    IF current_tenant() IS NULL THEN
        RAISE EXCEPTION 'append_event needs app.tenant_id' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO event_pending (practice_id, id, stream, version, type, data, actor_type, actor_id, request_id, occurred_at)
        VALUES (current_tenant(), p_id, p_stream, p_version, p_type, p_data, p_actor_type, p_actor_id, p_request_id, p_occurred_at);
    RETURN NULL;
END
$$;
