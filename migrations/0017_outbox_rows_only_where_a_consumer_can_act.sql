-- Every event used to put a row in the outbox for every consumer of its type, and most were then dropped unread: a
-- practice with no webhook endpoint or no connected calendar still paid for two rows per booking, written, claimed
-- and deleted, with their WAL and vacuum. The fan-out now asks, in the event's own transaction, whether the
-- practice has an enabled endpoint subscribed to the type, or any calendar connection. A subscription or a
-- connection made later applies to the events committed after it, as before. The consumers still filter on their
-- side, for what changed between the commit and the handling.
CREATE OR REPLACE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO outbox (consumer, practice_id, seq, stream, type)
        SELECT c.name, NEW.practice_id, NEW.seq, NEW.stream, NEW.type FROM event_consumers c
        WHERE NEW.type LIKE ANY (c.types)
          AND CASE c.name
                  WHEN 'webhooks' THEN EXISTS (SELECT FROM webhook_endpoints w
                                               WHERE w.practice_id = NEW.practice_id AND w.enabled AND NEW.type = ANY (w.events))
                  WHEN 'calendar' THEN EXISTS (SELECT FROM calendar_connections k WHERE k.practice_id = NEW.practice_id)
                  ELSE true
              END;
    RETURN NEW;
END
$$;
