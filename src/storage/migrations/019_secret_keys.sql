-- Secret safety (docs/secrets.md, src/domain/secrets/): the server-secret keys this database has seen,
-- so that no process (server or CLI) writes sealed data with a key the database does not know, and a
-- secret dropped while data still needs it stops the start instead of silently breaking that data.
--   key_id      — crypto/keyring.ts's id of a secret (the text before the first dot of its ciphertexts)
--   check_value — HMAC-SHA256 of a fixed text under the key's `check` purpose: proves the key itself,
--                 not only its 48-bit id; /api/health/ready recomputes it for the current key (one
--                 primary-key read)
CREATE TABLE secret_keys (
  key_id text PRIMARY KEY,
  check_value text NOT NULL,
  first_seen_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now()
);

-- Which key ids sealed data still uses, found without reading every row (user_mfa_factors grows with
-- the users): one index per sealed column on the key id of its ciphertext, split_part(col, '.', 1).
-- domain/secrets/sealed-columns.ts reads them with a recursive-CTE skip scan — the smallest key id,
-- then the smallest one greater than that, … — so the start-up check costs one index probe per
-- distinct key id (a handful), whatever the row count. The same indexes serve the per-key counts of
-- `secrets status` and the batches of `secrets rotate` (… WHERE split_part(col, '.', 1) = $1 LIMIT n).
-- Every query on them repeats the expression and `col IS NOT NULL` (the partial index's predicate).
CREATE INDEX applications_callback_secret_key ON applications (split_part(callback_secret, '.', 1));
CREATE INDEX application_secrets_ciphertext_key ON application_secrets (split_part(secret_ciphertext, '.', 1));
CREATE INDEX oidc_keys_material_key ON oidc_keys (split_part(material, '.', 1));
CREATE INDEX connectors_config_key ON connectors (split_part(config, '.', 1));
CREATE INDEX sso_connectors_config_key ON sso_connectors (split_part(config, '.', 1));
CREATE INDEX user_mfa_factors_totp_secret_key ON user_mfa_factors (split_part(totp_secret, '.', 1)) WHERE totp_secret IS NOT NULL;

-- Unused backup codes are keyed HMACs that name their key (key_id): they cannot be re-sealed, and stop
-- working once their secret is dropped. `secrets status` and `secrets rotate` count them per key id with
-- the same skip scan, on this index.
CREATE INDEX user_backup_codes_unused_key ON user_backup_codes (key_id) WHERE used_at IS NULL;
