// Use case C6: POST /api/connectors/{factoryId}/test. Builds a Sender from the BODY config with the
// connectors in src/connectors and sends template Generic with code 000000. Throws LogtoError
// connector.not_found (400 here, not 501), connector.unexpected_type, connector.invalid_config,
// connector.template_not_found, connector.general (the send failed).
import { SMTP_TIMEOUT_MS } from '../../connectors/index.ts';
import { createOutboxSender } from '../../connectors/outbox.ts';
import { createSmtpSender } from '../../connectors/smtp.ts';
import { createWebhookSmsSender } from '../../connectors/sms-webhook.ts';
import { defaultTemplates, renderTemplate } from '../../connectors/templates.ts';
import { createTwilioSender } from '../../connectors/twilio.ts';
import type { Sender } from '../../connectors/types.ts';
import { LogtoError } from '../errors.ts';
import { cleanDeep, validateConfig, type Json } from './config.ts';
import { findFactory, OutboxConfig, SmtpConfig, TwilioConfig, WebhookSmsConfig } from './factories.ts';
import type { ConnectorDeps } from './index.ts';

export const TEST_CODE = '000000';
const USAGE = 'Generic';
const SMS_TIMEOUT_MS = 10_000;
const quiet = { info() {}, warn() {}, error() {} };

/** connector.not_found carries 501 in the catalogue; C6 answers it with 400 (LG). */
const factoryNotFound = () => new LogtoError('connector.not_found', undefined, 400);

interface Template {
  usageType: string;
  content: string;
  subject?: string;
}

function genericTemplate(templates: Template[] | undefined): Template {
  const found = templates?.find((t) => t.usageType === USAGE);
  if (!found) throw new LogtoError('connector.template_not_found');
  return found;
}

/** The sender for this factory and config, and the Generic template it uses; `close` after use. */
function buildSender(deps: ConnectorDeps, factoryId: string, config: Json): { sender: Sender; template: Template; close(): void } {
  const none = () => undefined;
  switch (factoryId) {
    case 'simple-mail-transfer-protocol': {
      const c = SmtpConfig.parse(config);
      if (!('pass' in c.auth)) throw new LogtoError('connector.invalid_config', { message: 'only {user, pass} SMTP auth is supported' });
      const url = new URL(`${c.secure ? 'smtps' : 'smtp'}://${c.host}`);
      url.port = String(c.port);
      url.username = c.auth.user;
      url.password = c.auth.pass;
      const timeoutMs = Math.min(c.connectionTimeout ?? SMTP_TIMEOUT_MS, SMTP_TIMEOUT_MS);
      const smtp = createSmtpSender({ url: url.toString(), from: c.fromEmail, timeoutMs });
      return { sender: smtp, template: genericTemplate(c.templates), close: () => smtp.close() };
    }
    case 'twilio-short-message-service': {
      const c = TwilioConfig.parse(config);
      const sender = createTwilioSender({
        baseUrl: c.baseUrl ?? 'https://api.twilio.com',
        accountSid: c.accountSID,
        authToken: c.authToken,
        from: c.fromMessagingServiceSID,
        timeoutMs: SMS_TIMEOUT_MS,
      });
      return { sender, template: genericTemplate(c.templates), close: none };
    }
    case 'verity-sms-webhook': {
      const c = WebhookSmsConfig.parse(config);
      const sender = createWebhookSmsSender({ url: c.url, ...(c.secret ? { secret: c.secret } : {}), timeoutMs: SMS_TIMEOUT_MS });
      return { sender, template: genericTemplate(c.templates), close: none };
    }
    default: {
      const c = OutboxConfig.parse(config);
      const channel = factoryId === 'verity-outbox-email' ? 'email' : 'sms';
      const template = c.templates ? genericTemplate(c.templates) : { usageType: USAGE, content: defaultTemplates.Generic!.text, subject: defaultTemplates.Generic!.subject };
      return { sender: createOutboxSender(channel, { dataDir: deps.dataDir, logger: quiet }), template, close: none };
    }
  }
}

/** `phone` (digits, sent as +digits) wins over `email`. */
export async function sendTestMessage(deps: ConnectorDeps, factoryId: string, input: { config: Json; phone?: string; email?: string }): Promise<void> {
  const factory = findFactory(factoryId);
  if (!factory || (factory.metadata.type !== 'Email' && factory.metadata.type !== 'Sms')) throw factoryNotFound();
  const channel = input.phone ? 'sms' : 'email';
  if ((channel === 'sms') !== (factory.metadata.type === 'Sms')) throw new LogtoError('connector.unexpected_type');
  const config = cleanDeep(input.config);
  validateConfig(deps, factory, config);
  const { sender, template, close } = buildSender(deps, factoryId, config);
  try {
    await sender.send({
      channel,
      to: input.phone ? `+${input.phone}` : input.email!,
      text: renderTemplate(template.content, TEST_CODE),
      ...(template.subject === undefined ? {} : { subject: renderTemplate(template.subject, TEST_CODE) }),
      code: TEST_CODE,
      purpose: USAGE,
    });
  } catch (error) {
    throw new LogtoError('connector.general', { message: error instanceof Error ? error.message : String(error) });
  } finally {
    close();
  }
}
