-- The Account API (account-verifications-api.md, my-account-api.md).
--
-- verification_records: the step-up records of /api/verifications (A1–A5), 10 minutes from creation,
-- reusable until then (expired rows are treated as missing and purged by housekeeping).
--   owner_id — the user whose access token created the record. Every use of a record is by that
--              user: a record another user's token made is not found (stricter than Logto, which
--              does not check the owner of a `newIdentifierVerificationRecordId` record).
--   bound    — the record proves the owner's own identity (Logto's `userId` column set): a password
--              record, or a code sent to the owner's current primary email or phone. Only a bound,
--              verified record serves as the `logto-verification-id` header.
--   data     — the tagged record JSON (domain/account/records.ts).
CREATE TABLE verification_records (
  id text PRIMARY KEY,
  owner_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  bound boolean NOT NULL,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
-- deleting a user deletes its records through this index; housekeeping purges by expiry
CREATE INDEX verification_records_owner ON verification_records (owner_id);
CREATE INDEX verification_records_expiry ON verification_records (expires_at);

-- Account Center settings (my-account-api.md, M11/M12): one row, id 'default'. Off until an operator
-- turns it on, so a fresh install refuses every Account API call (400 account_center.not_enabled).
-- fields: key → 'Off' | 'ReadOnly' | 'Edit' (a missing key is Off).
CREATE TABLE account_centers (
  id text PRIMARY KEY,
  enabled boolean NOT NULL DEFAULT false,
  fields jsonb NOT NULL DEFAULT '{}'::jsonb
);
INSERT INTO account_centers (id) VALUES ('default');

-- The provider's models by the user they name (sessions, grants, codes, tokens): revoking a user's
-- sessions (suspension, deletion, a password change through the Account API) finds them by this.
CREATE INDEX oidc_models_account ON oidc_models ((payload->>'accountId')) WHERE payload->>'accountId' IS NOT NULL;
