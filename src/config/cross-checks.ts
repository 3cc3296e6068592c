// Owns the rules between settings: variables required together and production-only rules, each with the
// sentence docs/configuration.md prints for it. They run on the raw environment so every problem is named.
export type Env = Record<string, string | undefined>;

export interface CrossCheck {
  /** The rule as the configuration reference states it. */
  doc: string;
  /** The problems `env` has with it, each as `VARIABLE: reason`. */
  problems(env: Env, mode: 'development' | 'production'): string[];
}

/** An http(s) origin as a browser serialises it: scheme, host, port, nothing else. */
export function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** The mode an environment runs in: VERITY_MODE, else production when NODE_ENV=production. */
export const modeOf = (env: Env): 'development' | 'production' =>
  env.VERITY_MODE === 'production' || env.VERITY_MODE === 'development' ? env.VERITY_MODE : env.NODE_ENV === 'production' ? 'production' : 'development';

const TWILIO = ['VERITY_TWILIO_ACCOUNT_SID', 'VERITY_TWILIO_AUTH_TOKEN', 'VERITY_TWILIO_FROM'];

export const crossChecks: CrossCheck[] = [
  {
    doc: 'Production mode requires VERITY_SECRET.',
    problems: (env, mode) => (mode === 'production' && !env.VERITY_SECRET ? ['VERITY_SECRET: required in production mode'] : []),
  },
  {
    doc: 'VERITY_SMS_CONNECTOR=webhook requires VERITY_SMS_WEBHOOK_URL.',
    problems: (env) =>
      env.VERITY_SMS_CONNECTOR === 'webhook' && !env.VERITY_SMS_WEBHOOK_URL ? ['VERITY_SMS_WEBHOOK_URL: required when VERITY_SMS_CONNECTOR=webhook'] : [],
  },
  {
    doc: `VERITY_SMS_CONNECTOR=twilio requires ${TWILIO.join(', ')}.`,
    problems: (env) => (env.VERITY_SMS_CONNECTOR === 'twilio' ? TWILIO.filter((key) => !env[key]).map((key) => `${key}: required when VERITY_SMS_CONNECTOR=twilio`) : []),
  },
  {
    doc: 'VERITY_EMAIL_CONNECTOR=smtp requires VERITY_SMTP_URL.',
    problems: (env) => (env.VERITY_EMAIL_CONNECTOR === 'smtp' && !env.VERITY_SMTP_URL ? ['VERITY_SMTP_URL: required when VERITY_EMAIL_CONNECTOR=smtp'] : []),
  },
  {
    doc: 'VERITY_ADMIN_CLIENT_ID and VERITY_ADMIN_CLIENT_SECRET: set both or neither.',
    problems: (env) =>
      Boolean(env.VERITY_ADMIN_CLIENT_ID) !== Boolean(env.VERITY_ADMIN_CLIENT_SECRET) ? ['VERITY_ADMIN_CLIENT_ID/VERITY_ADMIN_CLIENT_SECRET: set both or neither'] : [],
  },
  {
    doc: 'In production, VERITY_WEBAUTHN_RP_ID and VERITY_WEBAUTHN_ORIGINS: set both or neither (neither: passkeys are off).',
    problems: (env, mode) =>
      mode === 'production' && Boolean(env.VERITY_WEBAUTHN_RP_ID) !== Boolean(env.VERITY_WEBAUTHN_ORIGINS)
        ? ['VERITY_WEBAUTHN_RP_ID/VERITY_WEBAUTHN_ORIGINS: set both or neither in production mode']
        : [],
  },
  {
    doc: 'Every VERITY_WEBAUTHN_ORIGINS origin is on VERITY_WEBAUTHN_RP_ID or a subdomain of it, as browsers require.',
    problems: (env) => originsOffRpId(env.VERITY_WEBAUTHN_RP_ID, env.VERITY_WEBAUTHN_ORIGINS),
  },
  {
    doc: 'The outbox connector (VERITY_SMS_CONNECTOR=outbox, VERITY_EMAIL_CONNECTOR=outbox) is refused in production: it writes codes to a file.',
    problems: (env, mode) =>
      mode === 'production' && (env.VERITY_SMS_CONNECTOR === 'outbox' || env.VERITY_EMAIL_CONNECTOR === 'outbox')
        ? ['VERITY_SMS_CONNECTOR/VERITY_EMAIL_CONNECTOR: the outbox connector is for development only']
        : [],
  },
];

function originsOffRpId(rpId: string | undefined, rawOrigins: string | undefined): string[] {
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

/** Every problem `env` has with the rules above, in their order. */
export function crossCheck(env: Env): string[] {
  const mode = modeOf(env);
  return crossChecks.flatMap((rule) => rule.problems(env, mode));
}
