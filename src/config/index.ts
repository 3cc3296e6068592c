// Owns every setting: one zod schema over the environment, each with its default and a one-line doc.
// loadConfig() throws ConfigError listing every bad value at once, so a start fails with one clear message.
import path from 'node:path';
import { z } from 'zod';
import { parseAllowList } from '../net/address-policy.ts';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');
const optionalUrl = z.string().url().optional();

/** An http(s) origin as a browser serialises it: scheme, host, port, nothing else. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

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

/** Every environment variable Verity reads. Keys are the variable names. */
export const configSchema = z.object({
  /** `production` requires VERITY_SECRET and never falls back to the outbox connector. */
  VERITY_MODE: z.enum(['development', 'production']).optional(),
  NODE_ENV: z.string().optional(),
  /** HTTP port. */
  PORT: int(3001, 0, 65535),
  /** Interface to bind. Default: 127.0.0.1 in development (nothing outside this machine reaches a
   *  development server and its generated admin client), 0.0.0.0 in production. */
  HOST: z.string().min(1).optional(),
  /** Where the embedded database, generated secret, credentials and outbox live. */
  VERITY_DATA_DIR: z.string().default('./data'),
  /** PostgreSQL connection string; when unset the embedded PGlite store under the data directory is used. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  /** Connection pool size for PostgreSQL. */
  DATABASE_POOL_SIZE: int(10, 1, 200),
  /** Current server secret (at least 32 characters); required in production. */
  VERITY_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Earlier server secrets, comma-separated, still accepted for codes and data made with them. */
  VERITY_PREVIOUS_SECRETS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .pipe(z.array(z.string().min(32, 'each previous secret must be at least 32 characters'))),
  /** Start (or run a CLI command) although none of the server secrets has been seen by this database before:
   *  needed once when pointing a new secret at existing data on purpose. Without it a process refuses to write
   *  sealed data with a secret the database does not know (a mistyped or development secret). */
  VERITY_ACCEPT_NEW_SECRET: bool(false),
  /** Log level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest accepted request body in bytes. */
  VERITY_BODY_LIMIT: int(65536, 1024, 10 * 1024 * 1024),
  /** Trust X-Forwarded-For from a proxy in front of Verity (for the per-IP limit). */
  VERITY_TRUST_PROXY: bool(false),

  /** Most levels of nested objects and arrays accepted in a request (the body itself is one); more is a 400. */
  VERITY_JSON_MAX_DEPTH: int(64, 4, 1000),
  /** Retry-After (seconds) of the 503 answered when the database connection fails mid-request. */
  VERITY_DB_RETRY_AFTER_SECONDS: int(2, 1, 3600),

  /** The URL clients reach this server at; the OIDC issuer is <public URL>/oidc. Default http://localhost:<PORT>. */
  VERITY_PUBLIC_URL: z.string().url().optional(),
  /** Where the OIDC provider sends browsers to sign in (the sign-in experience page). */
  VERITY_SIGN_IN_URL: z.string().default('/sign-in'),
  /** Serve the demo application at /demo (an SPA client, id `demo`, provisioned at start) that signs in
   *  through the sign-in page and shows the ID token's claims. Default: on in development, off in production. */
  VERITY_DEMO_APP: z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional().transform((v) => (v === undefined ? undefined : ['true', '1', 'yes'].includes(v))),
  /** Provision this Management API (MachineToMachine) application; both or neither. */
  VERITY_ADMIN_CLIENT_ID: z.string().regex(/^[a-z0-9]{8,64}$/, 'must be 8–64 lowercase letters or digits').optional(),
  VERITY_ADMIN_CLIENT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),

  /** Provision this OTP API key for the default application instead of generating one. */
  VERITY_OTP_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),

  /** Requests per API key per window (reported by the X-Rate-Limit-* headers). */
  VERITY_RATE_KEY_LIMIT: int(600, 1, 10_000_000),
  VERITY_RATE_KEY_WINDOW_SECONDS: int(60, 1, 86_400),
  /** Codes sent to one phone number or email address per window. */
  VERITY_RATE_RECIPIENT_LIMIT: int(5, 1, 10_000_000),
  VERITY_RATE_RECIPIENT_WINDOW_SECONDS: int(3600, 1, 86_400),
  /** Minimum seconds between two codes sent to one recipient (0 disables). */
  VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: int(30, 0, 3600),
  /** Codes sent per client IP per window. */
  VERITY_RATE_IP_LIMIT: int(30, 1, 10_000_000),
  VERITY_RATE_IP_WINDOW_SECONDS: int(3600, 1, 86_400),

  /** Failed password or code checks on one identifier (email, phone, username) that block it. */
  VERITY_LOCKOUT_MAX_FAILURES: int(5, 1, 1000),
  /** Seconds, from an identifier's first failure, within which its failures are counted together. */
  VERITY_LOCKOUT_WINDOW_SECONDS: int(3600, 1, 7 * 86_400),
  /** Seconds a blocked identifier stays blocked. */
  VERITY_LOCKOUT_SECONDS: int(600, 1, 7 * 86_400),

  /** WebAuthn relying party id: the domain passkeys are bound to (no scheme or port), e.g. example.com.
   *  Development default: the request's host name. Production: without it E15–E18 answer 400
   *  session.mfa.mfa_factor_not_enabled (passkeys are off); set it with VERITY_WEBAUTHN_ORIGINS. */
  VERITY_WEBAUTHN_RP_ID: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i, 'must be a host name (no scheme, port or path)')
    .transform((v) => v.toLowerCase())
    .optional(),
  /** Comma-separated origins a passkey ceremony may run on (the sign-in page's, e.g. https://login.example.com);
   *  each must be the RP id or under it. Development default: the request's origin (the public URL's scheme,
   *  the request's host). */
  VERITY_WEBAUTHN_ORIGINS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []))
    .superRefine((origins, ctx) => {
      for (const origin of origins) if (!isOrigin(origin)) ctx.addIssue({ code: 'custom', message: `${origin}: must be an origin (scheme://host[:port])` });
    }),

  /** Clock skew, in seconds, allowed between Verity and an enterprise SSO IdP: SAML NotBefore/NotOnOrAfter
   *  and OIDC ID token iat/exp are accepted this far off (bounded: a long skew stretches a replay window). */
  VERITY_SSO_CLOCK_SKEW_SECONDS: int(60, 0, 600),

  /** Failed client authentications (wrong secret) of one client at /oidc/token and the other client-authenticated
   *  endpoints within VERITY_CLIENT_AUTH_WINDOW_SECONDS from which on (this one included) its failures are answered slowly. */
  VERITY_CLIENT_AUTH_MAX_FAILURES: int(10, 1, 100_000),
  VERITY_CLIENT_AUTH_WINDOW_SECONDS: int(300, 1, 86_400),
  /** How long each failed client authentication from the limit on waits before its answer (0 disables). */
  VERITY_CLIENT_AUTH_DELAY_MS: int(2000, 0, 30_000),

  /** SMS connector: outbox (development default), webhook, twilio, or none. */
  VERITY_SMS_CONNECTOR: z.enum(['outbox', 'webhook', 'twilio', 'none']).optional(),
  VERITY_SMS_WEBHOOK_URL: optionalUrl,
  /** Key for the X-Verity-Signature header on webhook SMS requests. */
  VERITY_SMS_WEBHOOK_SECRET: z.string().min(16).optional(),
  VERITY_SMS_TIMEOUT_MS: int(10_000, 100, 120_000),
  VERITY_TWILIO_BASE_URL: z.string().url().default('https://api.twilio.com'),
  VERITY_TWILIO_ACCOUNT_SID: z.string().optional(),
  VERITY_TWILIO_AUTH_TOKEN: z.string().optional(),
  VERITY_TWILIO_FROM: z.string().optional(),
  /** Email connector: outbox (development default), smtp, or none. */
  VERITY_EMAIL_CONNECTOR: z.enum(['outbox', 'smtp', 'none']).optional(),
  /** smtp:// or smtps:// URL with credentials, e.g. smtps://user:pass@mail.example.com:465 */
  VERITY_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  VERITY_EMAIL_FROM: z.string().default('Verity <no-reply@localhost>'),
  /** Sends in flight at once per SMS/email connector (per process); more wait for a slot, ten times as many at most. */
  VERITY_CONNECTOR_MAX_CONCURRENCY: int(10, 1, 1000),
  /** How long a send waits for a free slot before failing at once. */
  VERITY_CONNECTOR_QUEUE_MS: int(5000, 0, 120_000),
  /** Consecutive gateway failures (no answer, timeout, 5xx, 429) that open a connector's circuit breaker. */
  VERITY_CONNECTOR_BREAKER_FAILURES: int(5, 1, 1000),
  /** Seconds an open breaker fails sends at once before letting one trial send through. */
  VERITY_CONNECTOR_BREAKER_SECONDS: int(30, 1, 3600),
  /** Price per SMS part by destination country, e.g. {"default":0.05,"GB":0.04}. */
  VERITY_SMS_PRICES: priceTable,

  /** Serve /metrics on this port (its own listener, on HOST) instead of the public port. */
  VERITY_METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  /** Bearer token /metrics requires; with it, /metrics may be served on the public port in production. */
  VERITY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),

  /** Seconds between sweeps that expire codes and deliver queued callbacks. */
  VERITY_WORKER_INTERVAL_MS: int(1000, 50, 60_000),
  /** Callback delivery: per-request timeout and the largest backoff between retries. */
  VERITY_CALLBACK_TIMEOUT_MS: int(5000, 100, 60_000),
  VERITY_CALLBACK_MAX_BACKOFF_SECONDS: int(3600, 1, 86_400),
  /** Days a verification code is kept after it finished (verified, expired, cancelled, failed); 0 keeps codes forever. */
  VERITY_CODE_RETENTION_DAYS: int(30, 0, 36_500),
  /** Days an audit log row is kept; 0 keeps the audit log forever. */
  VERITY_AUDIT_RETENTION_DAYS: int(90, 0, 36_500),

  /** Social sign-in: seconds an ID token's iat/exp/nbf may be off from this server's clock (bounded at 300). */
  VERITY_SOCIAL_CLOCK_SKEW_SECONDS: int(60, 0, 300),
  /** Social sign-in: deadline (connection and body) of each request to an identity provider. */
  VERITY_SOCIAL_TIMEOUT_MS: int(5000, 100, 60_000),

  /** Outgoing requests (callbacks, SMS gateways, SMTP, identity providers) never reach loopback, private,
   *  link-local or other special-purpose addresses (development allows loopback). This comma-separated list
   *  opens some: CIDRs or single addresses (10.1.0.0/16, fd00::/8, 192.0.2.7) and host names (idp.corp.example
   *  exactly; *.corp.example for any name under it), a name's every address being allowed for that name. */
  VERITY_EGRESS_ALLOW: z
    .string()
    .default('')
    .superRefine((raw, ctx) => {
      for (const problem of parseAllowList(raw).problems) ctx.addIssue({ code: 'custom', message: problem });
    }),
});

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

/** Settings that only make sense together, checked on the raw values so every problem is named. */
function crossCheck(env: Record<string, string | undefined>): string[] {
  const mode = env.VERITY_MODE ?? (env.NODE_ENV === 'production' ? 'production' : 'development');
  const problems: string[] = [];
  if (mode === 'production' && !env.VERITY_SECRET) problems.push('VERITY_SECRET: required in production mode');
  if (env.VERITY_SMS_CONNECTOR === 'webhook' && !env.VERITY_SMS_WEBHOOK_URL)
    problems.push('VERITY_SMS_WEBHOOK_URL: required when VERITY_SMS_CONNECTOR=webhook');
  if (env.VERITY_SMS_CONNECTOR === 'twilio') {
    for (const key of ['VERITY_TWILIO_ACCOUNT_SID', 'VERITY_TWILIO_AUTH_TOKEN', 'VERITY_TWILIO_FROM'])
      if (!env[key]) problems.push(`${key}: required when VERITY_SMS_CONNECTOR=twilio`);
  }
  if (Boolean(env.VERITY_ADMIN_CLIENT_ID) !== Boolean(env.VERITY_ADMIN_CLIENT_SECRET))
    problems.push('VERITY_ADMIN_CLIENT_ID/VERITY_ADMIN_CLIENT_SECRET: set both or neither');
  if (env.VERITY_EMAIL_CONNECTOR === 'smtp' && !env.VERITY_SMTP_URL)
    problems.push('VERITY_SMTP_URL: required when VERITY_EMAIL_CONNECTOR=smtp');
  problems.push(...webAuthnProblems(mode, env.VERITY_WEBAUTHN_RP_ID, env.VERITY_WEBAUTHN_ORIGINS));
  if (mode === 'production' && (env.VERITY_SMS_CONNECTOR === 'outbox' || env.VERITY_EMAIL_CONNECTOR === 'outbox'))
    problems.push('VERITY_SMS_CONNECTOR/VERITY_EMAIL_CONNECTOR: the outbox connector is for development only');
  return problems;
}

/** Production sets the passkey relying party whole or not at all (then passkeys are off); every origin
 *  must be the RP id or a subdomain of it, as browsers require. */
function webAuthnProblems(mode: string, rpId: string | undefined, rawOrigins: string | undefined): string[] {
  if (mode === 'production' && Boolean(rpId) !== Boolean(rawOrigins))
    return ['VERITY_WEBAUTHN_RP_ID/VERITY_WEBAUTHN_ORIGINS: set both or neither in production mode'];
  if (!rpId || !rawOrigins) return [];
  const id = rpId.toLowerCase();
  return rawOrigins
    .split(',')
    .map((s) => s.trim())
    .filter((origin) => isOrigin(origin))
    .filter((origin) => {
      const host = new URL(origin).hostname;
      return host !== id && !host.endsWith(`.${id}`);
    })
    .map((origin) => `VERITY_WEBAUTHN_ORIGINS: ${origin} is not on VERITY_WEBAUTHN_RP_ID (${id}) or a subdomain of it`);
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
  const mode = raw.VERITY_MODE ?? (raw.NODE_ENV === 'production' ? 'production' : 'development');
  const publicUrl = (raw.VERITY_PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/+$/, '');
  const HOST = raw.HOST ?? (mode === 'production' ? '0.0.0.0' : '127.0.0.1');
  const demoApp = raw.VERITY_DEMO_APP ?? mode === 'development';
  return { ...raw, mode, HOST, dataDir: path.resolve(raw.VERITY_DATA_DIR), issuer: `${publicUrl}/oidc`, publicUrl, demoApp };
}
