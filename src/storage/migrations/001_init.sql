-- Applications own API keys, OTP defaults and the secret that signs their status callbacks.
CREATE TABLE applications (
  id text PRIMARY KEY,
  name text NOT NULL,
  -- OTP defaults: template, from, pinType, pinLength, ttl, maxAttempts, otpCallbackUrl
  otp_settings jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- AES-256-GCM ciphertext (crypto/keyring.ts) of the callback signing secret
  callback_secret text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- API keys are stored as SHA-256 only; `hint` is the last four characters, for listings.
CREATE TABLE api_keys (
  id text PRIMARY KEY,
  application_id text NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
  name text NOT NULL,
  key_hash text NOT NULL UNIQUE,
  hint text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz
);

-- The verification-code engine's one table. Codes are stored only as keyed HMACs.
CREATE TABLE verification_codes (
  id uuid PRIMARY KEY,
  application_id text REFERENCES applications(id) ON DELETE CASCADE,
  -- who may see and check the code: 'otp' for the OTP API; later flows use their own scopes
  scope text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  code_hash text NOT NULL,
  key_id text NOT NULL,
  status text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'VERIFIED', 'EXPIRED', 'CANCELLED', 'FAILED')),
  -- counted before the compare (in-flight checks hold a unit), refunded by a successful check
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL CHECK (max_attempts > 0),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  finished_at timestamptz,
  -- where status changes are reported (code_events); null for none
  callback_url text,
  -- flow-specific data (OTP: trackId, countryIso, cost, parts)
  meta jsonb NOT NULL DEFAULT '{}'::jsonb,
  CHECK (attempts <= max_attempts)
);
CREATE INDEX verification_codes_pending_expiry ON verification_codes (expires_at) WHERE status = 'PENDING';

-- Fixed-window counters of the abuse policy, shared by every process on the database.
CREATE TABLE rate_counters (
  bucket text NOT NULL,
  window_start timestamptz NOT NULL,
  hits integer NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX rate_counters_expiry ON rate_counters (expires_at);

-- Last send per recipient, for the minimum interval between two codes.
CREATE TABLE send_gaps (
  subject text PRIMARY KEY,
  last_sent_at timestamptz NOT NULL
);

-- Messages a connector failed to deliver; the code they carried was discarded.
CREATE TABLE delivery_failures (
  id bigserial PRIMARY KEY,
  code_id uuid NOT NULL,
  application_id text,
  channel text NOT NULL,
  connector text NOT NULL,
  recipient text NOT NULL,
  error text NOT NULL,
  created_at timestamptz NOT NULL
);

-- Durable outbox of code status changes for callbacks; delivered oldest first per code.
CREATE TABLE code_events (
  id bigserial PRIMARY KEY,
  code_id uuid NOT NULL REFERENCES verification_codes(id) ON DELETE CASCADE,
  url text NOT NULL,
  -- the code's status and attempts at the moment of the change
  status text NOT NULL,
  attempts integer NOT NULL,
  tries integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  locked_until timestamptz,
  delivered_at timestamptz,
  last_error text,
  created_at timestamptz NOT NULL
);
CREATE INDEX code_events_pending ON code_events (code_id, id) WHERE delivered_at IS NULL;
