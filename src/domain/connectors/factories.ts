// Owns the built-in connector factories: their Logto-shaped metadata (GET /api/connector-factories)
// and the zod guard each factory's config must pass. SMTP and Twilio follow Logto v1.22.0's
// connector-smtp / connector-twilio-sms configs; the two verity-* factories are Verity's own; the social
// factories live in social-factories.ts.
import { z } from 'zod';
import { base, logo, text } from './factory-kit.ts';
import { socialFactories } from './social-factories.ts';

export type FactoryType = 'Email' | 'Sms' | 'Social';

/** A UI hint for one config key (a type alias, so it is assignable to a JSON record). */
export type FormItem = {
  type: 'Text' | 'Number' | 'MultilineText' | 'Switch' | 'Select' | 'MultiSelect' | 'Json';
  key: string;
  label: string;
  required?: boolean;
  defaultValue?: unknown;
};

/** The wire shape of a factory (PL ListConnectorFactories200ResponseInner). */
export interface ConnectorFactory {
  type: FactoryType;
  isDemo: boolean;
  id: string;
  target: string;
  name: Record<string, string>;
  description: Record<string, string>;
  logo: string;
  logoDark: string | null;
  readme: string;
  configTemplate?: string;
  formItems?: FormItem[];
  platform: 'Native' | 'Universal' | 'Web' | null;
  isStandard: boolean;
}

export interface FactoryDefinition {
  metadata: ConnectorFactory;
  configGuard: z.ZodType<Record<string, unknown>>;
  /** Writes codes in plaintext to disk: refused in production mode. */
  developmentOnly?: boolean;
}

/** Every usageType a passwordless template list must cover (Logto's guards). */
export const REQUIRED_USAGE_TYPES = ['Register', 'SignIn', 'ForgotPassword', 'Generic'] as const;

const coversRequired = (list: { usageType: string }[]) => REQUIRED_USAGE_TYPES.every((u) => list.some((t) => t.usageType === u));
const requiredTemplates = <T extends z.ZodType<{ usageType: string }>>(template: T) =>
  z.array(template).refine(coversRequired, { message: `templates must include usageTypes ${REQUIRED_USAGE_TYPES.join(', ')}` });

const smsTemplate = z.object({ usageType: z.string(), content: z.string() });
const emailTemplate = z.object({
  usageType: z.string(),
  contentType: z.enum(['text/plain', 'text/html']),
  subject: z.string(),
  content: z.string(),
});

const smtpAuth = z.union([
  z.object({ type: z.string().regex(/^login$/i).optional(), user: z.string(), pass: z.string() }),
  z.object({
    type: z.string().regex(/^oauth2$/i).optional(),
    user: z.string(),
    privateKey: z.union([z.string(), z.object({ key: z.string(), passphrase: z.string() })]),
    serviceClient: z.string(),
  }),
  z.object({
    type: z.string().regex(/^oauth2$/i).optional(),
    user: z.string(),
    clientId: z.string().optional(),
    clientSecret: z.string().optional(),
    refreshToken: z.string().optional(),
    accessToken: z.string().optional(),
    expires: z.number().optional(),
    accessUrl: z.string().optional(),
  }),
]);

export const SmtpConfig = z.looseObject({
  host: z.string(),
  port: z.number(),
  fromEmail: z.string(),
  /** Optional in Verity (Logto requires it): an unauthenticated relay on a private network. */
  auth: smtpAuth.optional(),
  replyTo: z.string().optional(),
  templates: requiredTemplates(emailTemplate),
  secure: z.boolean().optional(),
  tls: z.record(z.string(), z.unknown()).optional(),
  connectionTimeout: z.number().optional(),
  greetingTimeout: z.number().optional(),
  socketTimeout: z.number().optional(),
  dnsTimeout: z.number().optional(),
  ...Object.fromEntries(
    ['logger', 'debug', 'disableFileAccess', 'disableUrlAccess', 'ignoreTLS', 'requireTLS'].map((k) => [k, z.boolean().optional()]),
  ),
  name: z.string().optional(),
  localAddress: z.string().optional(),
  servername: z.string().optional(),
  customHeaders: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
});

export const TwilioConfig = z.looseObject({
  accountSID: z.string(),
  authToken: z.string(),
  fromMessagingServiceSID: z.string(),
  templates: requiredTemplates(smsTemplate),
  /** Verity extension: a Twilio-compatible API elsewhere (tests, gateways); default https://api.twilio.com. */
  baseUrl: z.url().optional(),
  /** Verity extension: milliseconds before a send gives up (default 10 000). */
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});

export const WebhookSmsConfig = z.looseObject({
  url: z.url(),
  secret: z.string().optional(),
  templates: requiredTemplates(smsTemplate),
  timeoutMs: z.number().int().min(100).max(60_000).optional(),
});

export const OutboxConfig = z.looseObject({
  templates: z.array(smsTemplate.extend({ subject: z.string().optional() })).optional(),
});

const templatesItem: FormItem = { type: 'Json', key: 'templates', label: 'Templates', required: true };

export const factories: readonly FactoryDefinition[] = [
  {
    metadata: {
      ...base,
      type: 'Email',
      id: 'simple-mail-transfer-protocol',
      target: 'smtp',
      name: { en: 'SMTP' },
      description: { en: 'Send email through any SMTP server.' },
      logo: logo('@'),
      readme: '# SMTP\n\nSends verification emails through an SMTP server. Config: `host`, `port`, `fromEmail`, `auth {user, pass}`, `templates[]`.',
      configTemplate: JSON.stringify({ host: '<host>', port: 587, fromEmail: '<from>', auth: { user: '<user>', pass: '<pass>' }, templates: [] }),
    },
    configGuard: SmtpConfig,
  },
  {
    metadata: {
      ...base,
      type: 'Sms',
      id: 'twilio-short-message-service',
      target: 'twilio-sms',
      name: { en: 'Twilio SMS' },
      description: { en: 'Send text messages through Twilio.' },
      logo: logo('T'),
      readme: '# Twilio SMS\n\nSends verification texts through the Twilio Messages API.',
      formItems: [text('accountSID', 'Account SID'), text('authToken', 'Auth token'), text('fromMessagingServiceSID', 'Messaging service SID'), templatesItem],
    },
    configGuard: TwilioConfig,
  },
  {
    metadata: {
      ...base,
      type: 'Sms',
      id: 'verity-sms-webhook',
      target: 'verity-sms-webhook',
      name: { en: 'SMS webhook' },
      description: { en: 'POST each text message as signed JSON to your own gateway.' },
      logo: logo('W'),
      readme: '# SMS webhook\n\nPOSTs `{to, text, purpose}` as JSON to `url`, signed with `x-verity-signature` when `secret` is set.',
      formItems: [text('url', 'Webhook URL'), text('secret', 'Signing secret', false), templatesItem],
    },
    configGuard: WebhookSmsConfig,
  },
  ...(['Email', 'Sms'] as const).map(
    (type): FactoryDefinition => ({
      metadata: {
        ...base,
        type,
        id: `verity-outbox-${type.toLowerCase()}`,
        target: `verity-outbox-${type.toLowerCase()}`,
        name: { en: `Development outbox (${type === 'Email' ? 'email' : 'SMS'})` },
        description: { en: 'Writes messages, codes included, to outbox.jsonl in the data directory. Development mode only.' },
        logo: logo('O'),
        readme: '# Development outbox\n\nAppends every message to `<dataDir>/outbox.jsonl`. Refused in production mode.',
        formItems: [{ ...templatesItem, required: false }],
      },
      configGuard: OutboxConfig,
      developmentOnly: true,
    }),
  ),
  ...socialFactories,
];

export function findFactory(id: string): FactoryDefinition | null {
  return factories.find((f) => f.metadata.id === id) ?? null;
}
