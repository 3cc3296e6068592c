-- Lockout per identifier (domain/experience/lockout.ts) and the audit log (domain/audit).
--
-- identifier_lockouts: failed password / verification-code checks counted per identifier. The
-- identifier (type + normalised value) is stored only as a keyed HMAC, so this table never holds an
-- email address, phone number or username. One row per identifier that failed recently:
--   failures        failed checks in the current window (the window starts at its first failure)
--   window_ends_at  when the row stops deciding anything: the window's end, or, once blocked, the
--                   block's end (a served block starts a fresh window). Housekeeping deletes rows
--                   whose window_ends_at has passed.
--   blocked_until   set when failures reach the limit; always equal to window_ends_at when set
CREATE TABLE identifier_lockouts (
  identifier_hash text PRIMARY KEY,
  failures integer NOT NULL CHECK (failures > 0),
  window_ends_at timestamptz NOT NULL,
  blocked_until timestamptz,
  CHECK (blocked_until IS NULL OR blocked_until = window_ends_at)
);
CREATE INDEX identifier_lockouts_expiry ON identifier_lockouts (window_ends_at);

-- The audit log (Logto `logs`): one row per verification attempt and per interaction outcome,
-- served by GET /api/logs. `seq` only orders rows written within one clock tick.
CREATE TABLE audit_logs (
  id text PRIMARY KEY,
  seq bigint GENERATED ALWAYS AS IDENTITY,
  -- Logto log key, e.g. Interaction.SignIn.Verification.Password.Submit
  key text NOT NULL,
  result text NOT NULL CHECK (result IN ('Success', 'Error')),
  user_id text,
  application_id text,
  interaction_id text,
  -- the verification method, e.g. Password, EmailVerificationCode
  method text,
  -- {type, value}: the identifier the attempt named (shown to operators, so kept in clear)
  identifier jsonb,
  -- {code, message}: the error an Error result answered with
  error jsonb,
  ip text,
  user_agent text,
  created_at timestamptz NOT NULL
);
-- The list is newest first, optionally filtered by one or more of user, application and key.
CREATE INDEX audit_logs_created ON audit_logs (created_at DESC, seq DESC);
CREATE INDEX audit_logs_user ON audit_logs (user_id, created_at DESC, seq DESC) WHERE user_id IS NOT NULL;
CREATE INDEX audit_logs_application ON audit_logs (application_id, created_at DESC, seq DESC) WHERE application_id IS NOT NULL;
CREATE INDEX audit_logs_key ON audit_logs (key, created_at DESC, seq DESC);
