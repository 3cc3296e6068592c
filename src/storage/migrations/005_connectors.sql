-- Passwordless (and later social) connectors: an instance of a built-in factory with its config.
-- The config holds secrets (SMTP passwords, Twilio tokens), so it is stored as AES-256-GCM
-- ciphertext of its JSON (crypto/keyring.ts), never as jsonb.
CREATE TABLE connectors (
  id text PRIMARY KEY,
  -- the factory id, e.g. simple-mail-transfer-protocol
  connector_id text NOT NULL,
  -- the factory's type, copied so the one-per-type rule can be an index
  type text NOT NULL CHECK (type IN ('Email', 'Sms', 'Social')),
  sync_profile boolean NOT NULL DEFAULT false,
  config text NOT NULL,
  -- overrides {target?, name?, logo?, logoDark?}
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL
);
-- At most one Email and one SMS connector. Creating one replaces the other through
-- INSERT … ON CONFLICT on this index, so two concurrent creations leave exactly one row.
CREATE UNIQUE INDEX connectors_one_passwordless ON connectors (type) WHERE type IN ('Email', 'Sms');
