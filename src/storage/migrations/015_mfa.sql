-- Multi-factor authentication (experience-api.md E13–E23, management-core-api.md U9–U11): the
-- factors a user has bound, and whether the user chose to skip binding one.
--
-- user_mfa_factors: one row per bound factor (Logto's mfaVerifications entries; its id is what U9
-- lists and U11 deletes). At most one TOTP and one backup-code set per user (partial unique
-- indexes decide it, so two concurrent binds cannot both win); a WebAuthn credential id belongs to
-- one user only.
--   Totp:       totp_secret  — the base32 secret sealed with the server secret (keyring.encrypt)
--               totp_step    — the last time step accepted: a code is accepted only for a later
--                              step (compare-and-set), so each step is used once per user
--   WebAuthn:   credential_id (base64url), public_key (COSE, base64url), counter, transports,
--               backed_up / device_type (the authenticator's backup flags), agent (user agent at
--               registration, for U9)
--   BackupCode: its codes are in user_backup_codes
CREATE TABLE user_mfa_factors (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  type text NOT NULL CHECK (type IN ('Totp', 'WebAuthn', 'BackupCode')),
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  totp_secret text,
  totp_step bigint,
  credential_id text,
  public_key text,
  counter bigint,
  transports jsonb,
  backed_up boolean,
  device_type text,
  agent text,
  CHECK (type <> 'Totp' OR totp_secret IS NOT NULL),
  CHECK (type <> 'WebAuthn' OR (credential_id IS NOT NULL AND public_key IS NOT NULL AND counter IS NOT NULL))
);
-- a user's factors, oldest first (U9, the Experience API's reads of the identified user)
CREATE INDEX user_mfa_factors_user ON user_mfa_factors (user_id, created_at, id);
CREATE UNIQUE INDEX user_mfa_factors_one_totp ON user_mfa_factors (user_id) WHERE type = 'Totp';
CREATE UNIQUE INDEX user_mfa_factors_one_backup_set ON user_mfa_factors (user_id) WHERE type = 'BackupCode';
CREATE UNIQUE INDEX user_mfa_factors_credential ON user_mfa_factors (credential_id) WHERE type = 'WebAuthn';

-- Backup codes: only a keyed HMAC of each code (key id kept, so a rotated secret still checks old
-- codes), each usable once: used_at is set by a compare-and-set (… AND used_at IS NULL).
CREATE TABLE user_backup_codes (
  factor_id text NOT NULL REFERENCES user_mfa_factors (id) ON DELETE CASCADE,
  user_id text NOT NULL,
  digest text NOT NULL,
  key_id text NOT NULL,
  used_at timestamptz,
  PRIMARY KEY (factor_id, digest)
);
-- the check of a presented code: the user's unused codes with that digest
CREATE INDEX user_backup_codes_lookup ON user_backup_codes (user_id, digest) WHERE used_at IS NULL;

-- E23: the user chose not to bind a factor (UserControlled policy); submit does not ask again.
ALTER TABLE users ADD COLUMN mfa_skipped boolean NOT NULL DEFAULT false;
