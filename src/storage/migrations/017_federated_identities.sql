-- Federated identities (experience-api.md E3/E9–E12, management-core-api.md users `identities` and
-- `ssoIdentities`).
--
-- user_social_identities: an index of users.identities (target → {userId, details}), which stays the
-- one place a social identity is written. Triggers keep it in step with every write of that column,
-- whoever makes it, so a provider's account (target + the provider's user id) belongs to one user at
-- most: of two concurrent links of one account exactly one commits, the other fails with SQLSTATE
-- 23505 on user_social_identities_identity_key (mapped to user.identity_already_in_use), and a
-- sign-in finds the user of an account through that unique index.
CREATE TABLE user_social_identities (
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  target text NOT NULL,
  identity_id text NOT NULL,
  PRIMARY KEY (user_id, target),
  CONSTRAINT user_social_identities_identity_key UNIQUE (target, identity_id)
);

CREATE FUNCTION verity_sync_social_identities() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM user_social_identities WHERE user_id = NEW.id;
  INSERT INTO user_social_identities (user_id, target, identity_id)
    SELECT NEW.id, e.key, e.value ->> 'userId'
    FROM jsonb_each(NEW.identities) AS e
    WHERE jsonb_typeof(e.value) = 'object' AND e.value ->> 'userId' IS NOT NULL;
  RETURN NULL;
END;
$$;

-- Only when the column changes: the frequent writes of a user (last sign-in) cost nothing more.
CREATE TRIGGER users_social_identities_inserted AFTER INSERT ON users
  FOR EACH ROW WHEN (NEW.identities <> '{}'::jsonb) EXECUTE FUNCTION verity_sync_social_identities();
CREATE TRIGGER users_social_identities_updated AFTER UPDATE OF identities ON users
  FOR EACH ROW WHEN (OLD.identities IS DISTINCT FROM NEW.identities) EXECUTE FUNCTION verity_sync_social_identities();

-- Identities written before this migration (Management API); a duplicate keeps its first user.
INSERT INTO user_social_identities (user_id, target, identity_id)
  SELECT u.id, e.key, e.value ->> 'userId'
  FROM users AS u, jsonb_each(u.identities) AS e
  WHERE jsonb_typeof(e.value) = 'object' AND e.value ->> 'userId' IS NOT NULL
  ON CONFLICT DO NOTHING;

-- user_sso_identities: the enterprise SSO identity of a user (issuer + the IdP's subject, unique), as
-- Logto's user_sso_identities; `detail` is the IdP's user info of the last sign-in.
CREATE TABLE user_sso_identities (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  sso_connector_id text NOT NULL REFERENCES sso_connectors (id) ON DELETE CASCADE,
  issuer text NOT NULL,
  identity_id text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL,
  CONSTRAINT user_sso_identities_identity_key UNIQUE (issuer, identity_id)
);
-- a user's identities (GET /api/users/{id}?includeSsoIdentities), and the cascades of both deletes
CREATE INDEX user_sso_identities_user ON user_sso_identities (user_id);
CREATE INDEX user_sso_identities_connector ON user_sso_identities (sso_connector_id);

-- saml_assertions_consumed: the ids of SAML assertions already accepted, kept until they expire
-- (their NotOnOrAfter plus the allowed skew), so a replayed assertion is refused; the insert is the
-- check (a second insert of an id fails on the primary key). Purged by housekeeping.
CREATE TABLE saml_assertions_consumed (
  -- '<sso connector id>:<assertion ID>'
  id text PRIMARY KEY,
  expires_at timestamptz NOT NULL
);
CREATE INDEX saml_assertions_consumed_expiry ON saml_assertions_consumed (expires_at);
