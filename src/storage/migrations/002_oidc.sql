-- The OIDC provider's models (sessions, interactions, grants, codes, tokens …), one row each,
-- stored as the provider's own JSON payload. Expired rows are purged by housekeeping.
CREATE TABLE oidc_models (
  kind text NOT NULL,
  id text NOT NULL,
  payload jsonb NOT NULL,
  grant_id text,
  uid text,
  user_code text,
  expires_at timestamptz,
  consumed_at timestamptz,
  PRIMARY KEY (kind, id)
);
CREATE INDEX oidc_models_grant ON oidc_models (grant_id) WHERE grant_id IS NOT NULL;
CREATE INDEX oidc_models_uid ON oidc_models (uid) WHERE uid IS NOT NULL;
CREATE INDEX oidc_models_user_code ON oidc_models (user_code) WHERE user_code IS NOT NULL;
CREATE INDEX oidc_models_expiry ON oidc_models (expires_at) WHERE expires_at IS NOT NULL;

-- Signing keys (private JWKs) and cookie keys, encrypted with the server secret (crypto/keyring.ts).
-- The newest active key of a kind is used; retired signing keys stay published until retire_after.
CREATE TABLE oidc_keys (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('signing', 'cookie')),
  material text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  retired_at timestamptz,
  retire_after timestamptz
);

-- Applications become OAuth clients: type, hashed client secret and client metadata.
ALTER TABLE applications
  ADD COLUMN description text,
  ADD COLUMN type text NOT NULL DEFAULT 'MachineToMachine'
    CHECK (type IN ('Native', 'SPA', 'Traditional', 'MachineToMachine', 'Protected', 'SAML')),
  -- SHA-256 (hex) of the client secret; null for public clients
  ADD COLUMN secret_hash text,
  ADD COLUMN oidc_client_metadata jsonb NOT NULL DEFAULT '{"redirectUris": [], "postLogoutRedirectUris": []}'::jsonb,
  ADD COLUMN custom_client_metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN custom_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  ADD COLUMN is_third_party boolean NOT NULL DEFAULT false,
  -- holds the Management API scope `all`
  ADD COLUMN is_admin boolean NOT NULL DEFAULT false;
