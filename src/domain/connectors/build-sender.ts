// Owns turning a stored connector (factory id + validated config) into a working Sender and its
// templates. Used for every send (senders.ts) and for test messages (test-send.ts), so a connector
// that passes its test sends exactly the same way later: through the egress module, like every send.
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { createOutboxSender } from '../../connectors/outbox.ts';
import { createSmtpSender } from '../../connectors/smtp.ts';
import { createWebhookSmsSender } from '../../connectors/sms-webhook.ts';
import { defaultTemplates } from '../../connectors/templates.ts';
import { createTwilioSender } from '../../connectors/twilio.ts';
import type { MessageTemplate, Sender } from '../../connectors/types.ts';
import type { Egress } from '../../net/egress.ts';
import type { Json } from './config.ts';
import { OutboxConfig, SmtpConfig, TwilioConfig, WebhookSmsConfig } from './factories.ts';

/** Limits for one SMS gateway call and each SMTP phase: nodemailer's own defaults (up to 10
 *  minutes) would hold a request far too long. */
export const SMS_TIMEOUT_MS = 10_000;
export const SMTP_TIMEOUT_MS = 30_000;
export const TWILIO_BASE_URL = 'https://api.twilio.com';

export interface BuiltSender {
  sender: Sender;
  template(usageType: string): MessageTemplate | undefined;
  close(): void;
}

export interface BuildDeps {
  dataDir: string;
  /** Every gateway and SMTP connection goes through it (address policy, deadline, size cap). */
  egress: Egress;
  logger: { info(msg: string): void; warn(msg: string): void; error(msg: string): void };
}

type TemplateList = Array<{ usageType: string; content: string; subject?: string; contentType?: 'text/plain' | 'text/html' }>;

const lookup = (list: TemplateList) => (usageType: string) => {
  const found = list.find((t) => t.usageType === usageType);
  if (!found) return undefined;
  return {
    content: found.content,
    ...(found.subject === undefined ? {} : { subject: found.subject }),
    ...(found.contentType === undefined ? {} : { contentType: found.contentType }),
  };
};

/** The built-in template for a usage type (connectors without templates of their own). */
export const defaultTemplate = (usageType: string): MessageTemplate | undefined => {
  const found = defaultTemplates[usageType];
  return found && { content: found.text, ...(found.subject === undefined ? {} : { subject: found.subject }) };
};

const none = () => undefined;

/** Throws ZodError when the config does not fit the factory (callers validate first) and Error
 *  for an unknown factory id. */
export function buildSender(deps: BuildDeps, factoryId: string, config: Json): BuiltSender {
  switch (factoryId) {
    case 'simple-mail-transfer-protocol': {
      const c = SmtpConfig.parse(config);
      const timeoutMs = Math.min(c.connectionTimeout ?? SMTP_TIMEOUT_MS, SMTP_TIMEOUT_MS);
      const smtp = createSmtpSender({ transport: smtpTransport(c), from: c.fromEmail, timeoutMs, egress: deps.egress });
      return { sender: smtp, template: lookup(c.templates), close: () => smtp.close() };
    }
    case 'twilio-short-message-service': {
      const c = TwilioConfig.parse(config);
      const sender = createTwilioSender({
        baseUrl: c.baseUrl ?? TWILIO_BASE_URL,
        accountSid: c.accountSID,
        authToken: c.authToken,
        from: c.fromMessagingServiceSID,
        timeoutMs: c.timeoutMs ?? SMS_TIMEOUT_MS,
        fetch: deps.egress.fetch,
      });
      return { sender, template: lookup(c.templates), close: none };
    }
    case 'verity-sms-webhook': {
      const c = WebhookSmsConfig.parse(config);
      const sender = createWebhookSmsSender({
        url: c.url,
        ...(c.secret ? { secret: c.secret } : {}),
        timeoutMs: c.timeoutMs ?? SMS_TIMEOUT_MS,
        fetch: deps.egress.fetch,
      });
      return { sender, template: lookup(c.templates), close: none };
    }
    case 'verity-outbox-sms':
    case 'verity-outbox-email': {
      const c = OutboxConfig.parse(config);
      const channel = factoryId === 'verity-outbox-email' ? 'email' : 'sms';
      const sender = createOutboxSender(channel, { dataDir: deps.dataDir, logger: deps.logger });
      return { sender, template: c.templates ? lookup(c.templates) : defaultTemplate, close: none };
    }
    default:
      throw new Error(`no sender for connector factory ${factoryId}`);
  }
}

/** Logto's SMTP config as nodemailer transport options. Logging and file/URL access stay off
 *  whatever the config says: a transport log would carry the codes. */
function smtpTransport(c: ReturnType<typeof SmtpConfig.parse>): SMTPTransport.Options {
  const auth: SMTPTransport.Options['auth'] | undefined = !c.auth
    ? undefined
    : 'pass' in c.auth
      ? { user: c.auth.user, pass: c.auth.pass }
      : ({ ...c.auth, type: 'OAuth2' } as SMTPTransport.Options['auth']);
  const flag = (key: string) => (typeof c[key] === 'boolean' ? { [key]: c[key] as boolean } : {});
  return {
    host: c.host,
    port: c.port,
    ...(c.secure === undefined ? {} : { secure: c.secure }),
    ...(auth ? { auth } : {}),
    ...(c.tls ? { tls: c.tls } : {}),
    ...(c.name ? { name: c.name } : {}),
    ...(c.localAddress ? { localAddress: c.localAddress } : {}),
    ...flag('ignoreTLS'),
    ...flag('requireTLS'),
    ...(c.dnsTimeout ? { dnsTimeout: Math.min(c.dnsTimeout, SMTP_TIMEOUT_MS) } : {}),
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
