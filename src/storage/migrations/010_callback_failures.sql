-- A status callback whose address the egress policy refuses at delivery (its host name now resolves to a
-- refused address) fails for good instead of being retried: failed_at says when, last_error why. A failed
-- event leaves the head of its code's queue as a delivered one does, so the code's later events are tried
-- in turn; housekeeping removes failed events after the same retention as delivered ones.
ALTER TABLE code_events ADD COLUMN failed_at timestamptz;
DROP INDEX code_events_pending;
CREATE INDEX code_events_pending ON code_events (code_id, id) WHERE delivered_at IS NULL AND failed_at IS NULL;
