-- Machine-to-machine roles on the Management API resource, and named application secrets.
--
-- A role holds scopes of the Management API resource (https://default.logto.app/api); `all` is the
-- only scope there. Two roles are seeded as Logto seeds them: `Logto Management API access`
-- (random id, what an operator assigns) and `#internal:admin` (id admin-role, what the deprecated
-- `isAdmin` flag of an application attaches and detaches).
CREATE TABLE roles (
  id text PRIMARY KEY,
  name text NOT NULL UNIQUE,
  description text NOT NULL,
  type text NOT NULL CHECK (type IN ('User', 'MachineToMachine')),
  is_default boolean NOT NULL DEFAULT false,
  scopes text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

INSERT INTO roles (id, name, description, type, scopes) VALUES
  ('admin-role', '#internal:admin', 'Internal admin role for the Management API.', 'MachineToMachine', '{all}'),
  (substr(md5(random()::text || clock_timestamp()::text), 1, 21), 'Logto Management API access',
   'This default role grants access to the Logto management API.', 'MachineToMachine', '{all}');

CREATE TABLE application_roles (
  application_id text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  role_id text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, role_id)
);
CREATE INDEX application_roles_role ON application_roles (role_id);

-- is_admin was the one bit of Management API access; it becomes the #internal:admin role.
INSERT INTO application_roles (application_id, role_id) SELECT id, 'admin-role' FROM applications WHERE is_admin;
ALTER TABLE applications DROP COLUMN is_admin;

-- Named client secrets (Logto's application_secrets). The provider finds a presented secret by its
-- SHA-256; the value itself is kept only as AES-256-GCM ciphertext (crypto/keyring.ts), because
-- Logto's API (and the SDKs generated from it) list secrets with their values.
-- The provider accepts the application's own secret or any unexpired one of these.
CREATE TABLE application_secrets (
  application_id text NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
  name text NOT NULL,
  secret_hash text NOT NULL,
  secret_ciphertext text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz,
  PRIMARY KEY (application_id, name)
);
CREATE INDEX application_secrets_hash ON application_secrets (secret_hash);
