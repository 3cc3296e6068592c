// Owns every setting: one zod schema over the environment, each with its default and its documentation
// (zod metadata, rendered into docs/configuration.md by scripts/config-docs.ts).
// loadConfig() throws ConfigError listing every bad value at once, so a start fails with one clear message.
// A new variable goes into its section below with `.meta(doc('…'))`; then `npm run docs:config`.
import path from 'node:path';
import { z } from 'zod';
import { parseAllowList } from '../net/address-policy.ts';
import { crossCheck, isOrigin, modeOf } from './cross-checks.ts';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
/** The spellings a boolean variable accepts. */
export const BOOLEAN = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const truthy = (v: string) => v === 'true' || v === '1' || v === 'yes';
const bool = (def: boolean) =>
  z
    .enum(BOOLEAN)
    .default(def ? 'true' : 'false')
    .transform(truthy);
const optionalUrl = z.string().url().optional();

const priceTable = z
  .string()
  .default('{}')
  .transform((raw, ctx) => {
    try {
      const parsed: unknown = JSON.parse(raw);
      const table = z.record(z.string(), z.number().nonnegative()).parse(parsed);
      return table;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object of country ISO (or "default") to a price per SMS part' });
      return z.NEVER;
    }
  });

/** A variable's documentation, kept on its schema so docs/configuration.md (scripts/config-docs.ts) is
 *  generated from it: `description` is its meaning, `defaults` says what an unset variable means when that
 *  is more than a fixed value, `accepts` names its type when the schema alone says too little. */
const doc = (description: string, more: { defaults?: string; accepts?: string } = {}) => ({ description, ...more });

const server = {
  VERITY_MODE: z
    .enum(['development', 'production'])
    .optional()
    .meta(doc('`production` requires VERITY_SECRET and never falls back to the outbox connector.', { defaults: '`production` when NODE_ENV=production, else `development`' })),
  NODE_ENV: z.string().optional().meta(doc('Only `production` means anything: it sets the mode when VERITY_MODE is unset.')),
  PORT: int(3001, 0, 65535).meta(doc('HTTP port.')),
  HOST: z
    .string()
    .min(1)
    .optional()
    .meta(
      doc('Interface to bind. Development binds loopback only: nothing outside this machine reaches a development server and its generated admin client.', {
        defaults: '`127.0.0.1` in development, `0.0.0.0` in production',
      }),
    ),
  VERITY_PUBLIC_URL: z
    .string()
    .url()
    .optional()
    .meta(doc('The URL clients reach this server at; the OIDC issuer is <public URL>/oidc. With https every cookie is Secure.', { defaults: '`http://localhost:<PORT>`' })),
  VERITY_TRUST_PROXY: bool(false).meta(
    doc('Trust X-Forwarded-For (the client address: per-IP limits, logs, audit log), X-Forwarded-Proto and X-Forwarded-Host (the OIDC endpoint URLs) from every hop. Only when the port is reachable through the proxy alone, and the proxy replaces these headers (docs/reverse-proxy.md).'),
  ),
  VERITY_DATA_DIR: z.string().default('./data').meta(doc('Where the embedded database, generated secret, credentials and outbox live.')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').meta(doc('Log level.')),
  VERITY_BODY_LIMIT: int(65536, 1024, 10 * 1024 * 1024).meta(doc('Largest accepted request body in bytes.')),
  VERITY_JSON_MAX_DEPTH: int(64, 4, 1000).meta(doc('Most levels of nested objects and arrays accepted in a request (the body itself is one); more is a 400.')),
};

const database = {
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional()
    .meta(doc('PostgreSQL connection string.', { accepts: 'postgres:// or postgresql:// URL', defaults: 'the embedded PGlite store under VERITY_DATA_DIR' })),
  DATABASE_POOL_SIZE: int(10, 1, 200).meta(doc('Connection pool size for PostgreSQL.')),
  PGAPPNAME: z.string().optional().meta(doc('PostgreSQL application_name of Verity’s connections (read by the pg storage layer, as libpq does).', { defaults: '`verity`' })),
  VERITY_DB_RETRY_AFTER_SECONDS: int(2, 1, 3600).meta(doc('Retry-After (seconds) of the 503 answered when the database connection fails mid-request.')),
};

const secrets = {
  VERITY_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters')
    .optional()
    .meta(doc('Current server secret; required in production.', { defaults: 'development: generated once into <data dir>/secret.key' })),
  VERITY_PREVIOUS_SECRETS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(z.string().min(32, 'each previous secret must be at least 32 characters')))
    .meta(doc('Earlier server secrets, still accepted for codes and data made with them.', { accepts: 'comma-separated list of secrets (each ≥ 32 characters)', defaults: 'none' })),
  VERITY_ACCEPT_NEW_SECRET: bool(false).meta(
    doc('Start (or run a CLI command) although none of the server secrets has been seen by this database before: needed once when pointing a new secret at existing data on purpose. Without it a process refuses to write sealed data with a secret the database does not know (a mistyped or development secret).'),
  ),
};

const signIn = {
  VERITY_SIGN_IN_URL: z.string().default('/sign-in').meta(doc('Where the OIDC provider sends browsers to sign in (the sign-in experience page).')),
  VERITY_DEMO_APP: z
    .enum(BOOLEAN)
    .optional()
    .transform((v) => (v === undefined ? undefined : truthy(v)))
    .meta(
      doc('Serve the demo application at /demo (an SPA client, id `demo`, provisioned at start) that signs in through the sign-in page and shows the ID token’s claims; off removes it.', {
        defaults: 'on in development, off in production',
      }),
    ),
  VERITY_ADMIN_CLIENT_ID: z
    .string()
    .regex(/^[a-z0-9]{8,64}$/, 'must be 8–64 lowercase letters or digits')
    .optional()
    .meta(doc('Provision this Management API (MachineToMachine) application: its client id; set with VERITY_ADMIN_CLIENT_SECRET.', { accepts: '8–64 lowercase letters or digits', defaults: 'development: one is generated into credentials.json; production: none' })),
  VERITY_ADMIN_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional().meta(doc('The provisioned Management API application’s client secret.')),
  VERITY_OTP_API_KEY: z.string().min(16, 'must be at least 16 characters').optional().meta(doc('Provision this OTP API key for the default application instead of generating one.', { defaults: 'development: one is generated into credentials.json; production: none (`npm run verity -- keys create`)' })),
  VERITY_WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'must be a host name (no scheme, port or path)')
    .transform((v) => v.toLowerCase())
    .optional()
    .meta(
      doc('WebAuthn relying party id: the domain passkeys are bound to, e.g. example.com. Production without it: passkeys are off (E15–E18 answer 400 session.mfa.mfa_factor_not_enabled).', {
        accepts: 'host name (no scheme, port or path)',
        defaults: 'development: the request’s host name; production: passkeys off',
      }),
    ),
  VERITY_WEBAUTHN_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .superRefine((origins, ctx) => {
      for (const origin of origins) if (!isOrigin(origin)) ctx.addIssue({ code: 'custom', message: `${origin}: must be an origin (scheme://host[:port])` });
    })
    .meta(
      doc('Origins a passkey ceremony may run on (the sign-in page’s, e.g. https://login.example.com); each must be the RP id or under it.', {
        accepts: 'comma-separated origins (scheme://host[:port])',
        defaults: 'development: the request’s origin (the public URL’s scheme, the request’s host); production: passkeys off',
      }),
    ),
  VERITY_SSO_CLOCK_SKEW_SECONDS: int(60, 0, 600).meta(
    doc('Clock skew, in seconds, allowed between Verity and an enterprise SSO IdP: SAML NotBefore/NotOnOrAfter and OIDC ID token iat/exp are accepted this far off (bounded: a long skew stretches a replay window).'),
  ),
  VERITY_SOCIAL_CLOCK_SKEW_SECONDS: int(60, 0, 300).meta(doc('Social sign-in: seconds an ID token’s iat/exp/nbf may be off from this server’s clock.')),
  VERITY_SOCIAL_TIMEOUT_MS: int(5000, 100, 60_000).meta(doc('Social sign-in: deadline (connection and body) of each request to an identity provider, in milliseconds.')),
};

const limits = {
  VERITY_RATE_KEY_LIMIT: int(600, 1, 10_000_000).meta(doc('Requests per API key per window (reported by the X-Rate-Limit-* headers).')),
  VERITY_RATE_KEY_WINDOW_SECONDS: int(60, 1, 86_400).meta(doc('The API key window, in seconds.')),
  VERITY_RATE_RECIPIENT_LIMIT: int(5, 1, 10_000_000).meta(doc('Codes sent to one phone number or email address per window.')),
  VERITY_RATE_RECIPIENT_WINDOW_SECONDS: int(3600, 1, 86_400).meta(doc('The recipient window, in seconds.')),
  VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: int(30, 0, 3600).meta(doc('Minimum seconds between two codes sent to one recipient (0 disables).')),
  VERITY_RATE_IP_LIMIT: int(30, 1, 10_000_000).meta(doc('Codes sent per client IP per window (the client IP is the proxy’s unless VERITY_TRUST_PROXY).')),
  VERITY_RATE_IP_WINDOW_SECONDS: int(3600, 1, 86_400).meta(doc('The client IP window, in seconds.')),
  VERITY_LOCKOUT_MAX_FAILURES: int(5, 1, 1000).meta(doc('Failed password or code checks on one identifier (email, phone, username) that block it.')),
  VERITY_LOCKOUT_WINDOW_SECONDS: int(3600, 1, 7 * 86_400).meta(doc('Seconds, from an identifier’s first failure, within which its failures are counted together.')),
  VERITY_LOCKOUT_SECONDS: int(600, 1, 7 * 86_400).meta(doc('Seconds a blocked identifier stays blocked.')),
  VERITY_CLIENT_AUTH_MAX_FAILURES: int(10, 1, 100_000).meta(
    doc('Failed client authentications (wrong secret) of one client at /oidc/token and the other client-authenticated endpoints within the window from which on (this one included) its failures are answered slowly.'),
  ),
  VERITY_CLIENT_AUTH_WINDOW_SECONDS: int(300, 1, 86_400).meta(doc('The client authentication failure window, in seconds.')),
  VERITY_CLIENT_AUTH_DELAY_MS: int(2000, 0, 30_000).meta(doc('How long each failed client authentication from the limit on waits before its answer, in milliseconds (0 disables).')),
};

const connectors = {
  VERITY_SMS_CONNECTOR: z
    .enum(['outbox', 'webhook', 'twilio', 'none'])
    .optional()
    .meta(
      doc('SMS connector written into the connectors table at start, replacing the stored one (outbox: development only, writes <data dir>/outbox.jsonl; none: nothing from the environment, a stored connector still serves).', {
        defaults: 'development: `outbox` when no SMS connector is stored; production: none from the environment',
      }),
    ),
  VERITY_SMS_WEBHOOK_URL: optionalUrl.meta(doc('Where the webhook SMS connector POSTs each message.')),
  VERITY_SMS_WEBHOOK_SECRET: z.string().min(16).optional().meta(doc('Key for the X-Verity-Signature header on webhook SMS requests.')),
  VERITY_SMS_TIMEOUT_MS: int(10_000, 100, 120_000).meta(doc('Deadline of each request to the SMS gateway, in milliseconds.')),
  VERITY_TWILIO_BASE_URL: z.string().url().default('https://api.twilio.com').meta(doc('Twilio API base URL (tests point it elsewhere).')),
  VERITY_TWILIO_ACCOUNT_SID: z.string().optional().meta(doc('Twilio account SID.')),
  VERITY_TWILIO_AUTH_TOKEN: z.string().optional().meta(doc('Twilio auth token.')),
  VERITY_TWILIO_FROM: z.string().optional().meta(doc('Twilio sender number or messaging service.')),
  VERITY_EMAIL_CONNECTOR: z
    .enum(['outbox', 'smtp', 'none'])
    .optional()
    .meta(
      doc('Email connector written into the connectors table at start, replacing the stored one (outbox: development only; none: nothing from the environment).', {
        defaults: '`smtp` when VERITY_SMTP_URL is set; else development: `outbox` when no email connector is stored; production: none from the environment',
      }),
    ),
  VERITY_SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional()
    .meta(doc('SMTP server with credentials, e.g. smtps://user:pass@mail.example.com:465.', { accepts: 'smtp:// or smtps:// URL' })),
  VERITY_EMAIL_FROM: z.string().default('Verity <no-reply@localhost>').meta(doc('From address of the SMTP connector VERITY_SMTP_URL configures.')),
  VERITY_CONNECTOR_MAX_CONCURRENCY: int(10, 1, 1000).meta(doc('Sends in flight at once per SMS/email connector (per process); more wait for a slot, ten times as many at most.')),
  VERITY_CONNECTOR_QUEUE_MS: int(5000, 0, 120_000).meta(doc('How long a send waits for a free slot before failing at once, in milliseconds.')),
  VERITY_CONNECTOR_BREAKER_FAILURES: int(5, 1, 1000).meta(doc('Consecutive gateway failures (no answer, timeout, 5xx, 429) that open a connector’s circuit breaker.')),
  VERITY_CONNECTOR_BREAKER_SECONDS: int(30, 1, 3600).meta(doc('Seconds an open breaker fails sends at once before letting one trial send through.')),
  VERITY_SMS_PRICES: priceTable.meta(doc('Price per SMS part by destination country, e.g. {"default":0.05,"GB":0.04}.', { accepts: 'JSON object: country ISO code or "default" → price' })),
};

const metrics = {
  VERITY_METRICS_PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .optional()
    .meta(doc('Serve /metrics on this port (its own listener, on HOST) instead of the public port.', { defaults: 'not served separately' })),
  VERITY_METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters')
    .optional()
    .meta(doc('Bearer token /metrics requires; with it, /metrics may be served on the public port in production.', { defaults: 'no token: /metrics on the public port in development only' })),
};

const worker = {
  VERITY_WORKER_INTERVAL_MS: int(1000, 50, 60_000).meta(doc('Milliseconds between sweeps that expire codes and deliver queued callbacks.')),
  VERITY_CALLBACK_TIMEOUT_MS: int(5000, 100, 60_000).meta(doc('Callback delivery: deadline of each request, in milliseconds.')),
  VERITY_CALLBACK_MAX_BACKOFF_SECONDS: int(3600, 1, 86_400).meta(doc('Callback delivery: the largest wait between two retries, in seconds.')),
  VERITY_CODE_RETENTION_DAYS: int(30, 0, 36_500).meta(doc('Days a verification code is kept after it finished (verified, expired, cancelled, failed); 0 keeps codes forever.')),
  VERITY_AUDIT_RETENTION_DAYS: int(90, 0, 36_500).meta(doc('Days an audit log row is kept; 0 keeps the audit log forever.')),
};

const egress = {
  VERITY_EGRESS_ALLOW: z
    .string()
    .default('')
    .superRefine((raw, ctx) => {
      for (const problem of parseAllowList(raw).problems) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta(
      doc('Outgoing requests (callbacks, SMS gateways, SMTP, identity providers) never reach loopback, private, link-local or other special-purpose addresses (development allows loopback). This list opens some: CIDRs or single addresses (10.1.0.0/16, fd00::/8, 192.0.2.7) and host names (idp.corp.example exactly; *.corp.example for any name under it), a name’s every address being allowed for that name.', {
        accepts: 'comma-separated CIDRs, addresses and host names',
      }),
    ),
};

/** The variables by topic, in the order docs/configuration.md lists them. */
export const configSections = [
  { title: 'Server', variables: server },
  { title: 'Database', variables: database },
  { title: 'Secrets', variables: secrets },
  { title: 'Applications and sign-in (OIDC, passkeys, social and enterprise SSO)', variables: signIn },
  { title: 'Rate limits and lockout', variables: limits },
  { title: 'SMS and email connectors', variables: connectors },
  { title: 'Metrics', variables: metrics },
  { title: 'Worker, callbacks and retention', variables: worker },
  { title: 'Outgoing requests', variables: egress },
];

/** Every environment variable Verity reads. Keys are the variable names; each carries its documentation. */
export const configSchema = z.object({ ...server, ...database, ...secrets, ...signIn, ...limits, ...connectors, ...metrics, ...worker, ...egress });

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  mode: 'development' | 'production';
  /** The interface to bind: HOST, or the mode's default. */
  HOST: string;
  dataDir: string;
  /** OIDC issuer: <public URL>/oidc */
  issuer: string;
  /** The URL clients reach this server at, without a trailing slash. */
  publicUrl: string;
  /** Whether /demo is served and its client provisioned (VERITY_DEMO_APP, else development mode). */
  demoApp: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and cross-checks the environment. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = configSchema.safeParse(cleaned);
  const problems = [
    ...(result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...crossCheck(cleaned),
  ];
  if (!result.success || problems.length) throw new ConfigError(problems);
  const raw = result.data;
  const mode = modeOf(cleaned);
  const publicUrl = (raw.VERITY_PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  const HOST = raw.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const demoApp = raw.VERITY_DEMO_APP ?? mode === 'development';
  return { ...raw, mode, HOST, dataDir: path.resolve(raw.VERITY_DATA_DIR), issuer: `${publicUrl}/oidc`, publicUrl, demoApp };
}
