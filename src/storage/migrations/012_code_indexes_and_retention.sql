-- Indexes that keep the code engine's statements, its callback queue's purge and the retention
-- deletes at a cost that does not grow with the tables (each named after the statement it serves;
-- test/storage/plans-codes.test.ts checks the plans on a seeded table).

-- findLatest (POST /api/verification-codes/verify): the recipient's newest code that was neither
-- consumed nor cancelled. application_id is compared with IS NOT DISTINCT FROM, which no index
-- condition can use; scope and recipient already narrow the walk to one recipient's codes.
CREATE INDEX verification_codes_latest ON verification_codes (scope, recipient, created_at DESC)
  WHERE status IN ('PENDING', 'FAILED', 'EXPIRED');

-- cancelOthers (every code sent by the Logto-family flows): only that recipient's pending codes.
CREATE INDEX verification_codes_pending_recipient ON verification_codes (scope, recipient) WHERE status = 'PENDING';

-- Retention (housekeeping.ts): terminal codes by the time they finished.
CREATE INDEX verification_codes_finished ON verification_codes (finished_at) WHERE status <> 'PENDING';

-- Every delete of a code (retention, discardUndelivered) cascades to its events: without an index
-- on code_id, each deleted code would scan code_events. Also the retention's "no open event" probe
-- uses code_events_pending (010).
CREATE INDEX code_events_code ON code_events (code_id);

-- The purge of callback events delivered (or failed for good) long ago.
CREATE INDEX code_events_done ON code_events ((coalesce(delivered_at, failed_at)));
