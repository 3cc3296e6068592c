-- Users of the Management API (management-core-api.md §3). Uniqueness is the database's job, so two
-- concurrent creates or updates can never both claim an identifier: username exact (case-sensitive),
-- email case-insensitive (on lower()), phone exact. The domain maps SQLSTATE 23505 on these index
-- names to user.*_already_in_use.
CREATE TABLE users (
  -- 12-char lowercase alphanumeric
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9]{12}$'),
  username text,
  primary_email text,
  primary_phone text,
  name text,
  avatar text,
  custom_data jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- target → {userId, details?}
  identities jsonb NOT NULL DEFAULT '{}'::jsonb,
  profile jsonb NOT NULL DEFAULT '{}'::jsonb,
  application_id text,
  last_sign_in_at timestamptz,
  is_suspended boolean NOT NULL DEFAULT false,
  -- the only secret: argon2 PHC string, or an imported legacy digest `$sha256$<hex>` (crypto/passwords.ts)
  password_hash text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_username_key ON users (username);
CREATE UNIQUE INDEX users_primary_email_key ON users (lower(primary_email));
CREATE UNIQUE INDEX users_primary_phone_key ON users (primary_phone);
-- the list is newest first, ties broken by id
CREATE INDEX users_created_at ON users (created_at DESC, id DESC);
