// Owns the choice of connectors from configuration: which Sender serves SMS and which serves email.
// Explicit VERITY_*_CONNECTOR settings win; otherwise development uses the outbox and production
// has no connector (sends then fail with no_sms_connector) rather than silently writing codes to disk.
import type { Logger } from 'pino';
import type { Config } from '../config/index.ts';
import { createOutboxSender } from './outbox.ts';
import { createSmtpSender } from './smtp.ts';
import { createWebhookSmsSender } from './sms-webhook.ts';
import { createTwilioSender } from './twilio.ts';
import type { Sender, Senders } from './types.ts';

export type ConnectorConfig = Pick<
  Config,
  | 'mode'
  | 'dataDir'
  | 'VERITY_SMS_CONNECTOR'
  | 'VERITY_SMS_WEBHOOK_URL'
  | 'VERITY_SMS_WEBHOOK_SECRET'
  | 'VERITY_SMS_TIMEOUT_MS'
  | 'VERITY_TWILIO_BASE_URL'
  | 'VERITY_TWILIO_ACCOUNT_SID'
  | 'VERITY_TWILIO_AUTH_TOKEN'
  | 'VERITY_TWILIO_FROM'
  | 'VERITY_EMAIL_CONNECTOR'
  | 'VERITY_SMTP_URL'
  | 'VERITY_EMAIL_FROM'
>;

export interface SenderDeps {
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** Per-phase SMTP limit (connect, greeting, each silence): there is no setting for it yet, and
 *  nodemailer's own defaults (up to 10 minutes) would hold a request far too long. */
export const SMTP_TIMEOUT_MS = 30_000;

type SmsKind = NonNullable<Config['VERITY_SMS_CONNECTOR']>;
type EmailKind = NonNullable<Config['VERITY_EMAIL_CONNECTOR']>;

/** Which SMS connector the configuration asks for. */
export function smsConnectorKind(config: ConnectorConfig): SmsKind {
  return config.VERITY_SMS_CONNECTOR ?? (config.mode === 'development' ? 'outbox' : 'none');
}

/** Which email connector the configuration asks for: an SMTP URL alone selects smtp. */
export function emailConnectorKind(config: ConnectorConfig): EmailKind {
  if (config.VERITY_EMAIL_CONNECTOR) return config.VERITY_EMAIL_CONNECTOR;
  if (config.VERITY_SMTP_URL) return 'smtp';
  return config.mode === 'development' ? 'outbox' : 'none';
}

/** Builds the configured senders. Throws Error when a chosen connector lacks a required setting or
 *  the outbox is asked for in production (loadConfig refuses both already; this guards hand-built
 *  configs). close() releases open connections (SMTP). */
export function createSenders(config: ConnectorConfig, deps: SenderDeps): Senders & { close(): Promise<void> } {
  const closers: Array<() => void> = [];
  const senders: Senders = {};
  const smsKind = smsConnectorKind(config);
  const emailKind = emailConnectorKind(config);
  if ((smsKind === 'outbox' || emailKind === 'outbox') && config.mode === 'production')
    throw new Error('the outbox connector is for development only');

  if (smsKind === 'outbox') senders.sms = createOutboxSender('sms', { dataDir: config.dataDir, logger: deps.logger });
  if (smsKind === 'webhook')
    senders.sms = createWebhookSmsSender({
      url: required(config.VERITY_SMS_WEBHOOK_URL, 'VERITY_SMS_WEBHOOK_URL'),
      ...(config.VERITY_SMS_WEBHOOK_SECRET ? { secret: config.VERITY_SMS_WEBHOOK_SECRET } : {}),
      timeoutMs: config.VERITY_SMS_TIMEOUT_MS,
    });
  if (smsKind === 'twilio')
    senders.sms = createTwilioSender({
      baseUrl: config.VERITY_TWILIO_BASE_URL,
      accountSid: required(config.VERITY_TWILIO_ACCOUNT_SID, 'VERITY_TWILIO_ACCOUNT_SID'),
      authToken: required(config.VERITY_TWILIO_AUTH_TOKEN, 'VERITY_TWILIO_AUTH_TOKEN'),
      from: required(config.VERITY_TWILIO_FROM, 'VERITY_TWILIO_FROM'),
      timeoutMs: config.VERITY_SMS_TIMEOUT_MS,
    });

  if (emailKind === 'outbox') senders.email = createOutboxSender('email', { dataDir: config.dataDir, logger: deps.logger });
  if (emailKind === 'smtp') {
    const smtp = createSmtpSender({
      url: required(config.VERITY_SMTP_URL, 'VERITY_SMTP_URL'),
      from: config.VERITY_EMAIL_FROM,
      timeoutMs: SMTP_TIMEOUT_MS,
    });
    closers.push(() => smtp.close());
    senders.email = smtp;
  }

  return {
    ...senders,
    close: async () => {
      for (const close of closers.splice(0)) close();
    },
  };
}

/** "sms: webhook, email: none" for the startup log line. */
export function describeSenders(senders: Senders): string {
  const name = (sender: Sender | undefined) => sender?.name ?? 'none';
  return `sms: ${name(senders.sms)}, email: ${name(senders.email)}`;
}

function required(value: string | undefined, key: string): string {
  if (!value) throw new Error(`${key} is required for the chosen connector`);
  return value;
}
