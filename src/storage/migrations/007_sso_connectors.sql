-- Enterprise SSO connectors (management-core-api.md §6): one OIDC or SAML identity provider each.
-- The config holds the OIDC client secret, so it is stored as AES-256-GCM ciphertext of its JSON
-- (crypto/keyring.ts), never as jsonb.
CREATE TABLE sso_connectors (
  -- 12-char lowercase alphanumeric
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{12}$'),
  -- OIDC, SAML, AzureAD, GoogleWorkspace, Okta, AzureAdOidc (checked by the domain, so a new provider
  -- needs no migration)
  provider_name text NOT NULL,
  -- Unique by constraint, not by a check before the insert: of two concurrent creations with one name
  -- exactly one succeeds; the domain maps SQLSTATE 23505 on this name to single_sign_on.duplicate_connector_name.
  connector_name text NOT NULL CONSTRAINT sso_connectors_connector_name_key UNIQUE,
  config text NOT NULL,
  -- lower-case email domains whose users sign in through this connector
  domains jsonb NOT NULL DEFAULT '[]'::jsonb,
  -- {displayName?, logo?, darkLogo?}
  branding jsonb NOT NULL DEFAULT '{}'::jsonb,
  sync_profile boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);
-- the list is newest first, ties broken by id
CREATE INDEX sso_connectors_created_at ON sso_connectors (created_at DESC, id DESC);
