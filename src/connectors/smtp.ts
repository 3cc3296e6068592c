// Owns the SMTP email connector: one nodemailer transport built from a stored SMTP connector's
// config (host, port, secure, auth with a password or OAuth2, TLS options; see
// domain/connectors/build-sender.ts), sending plain-text or HTML messages.
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { DeliveryError } from '../domain/errors.ts';
import type { OutboundMessage, Sender, SendResult } from './types.ts';

export interface SmtpOptions {
  /** nodemailer SMTP transport options: host, port, secure, auth ({user, pass} or OAuth2), tls, … */
  transport: SMTPTransport.Options;
  /** The From header, e.g. `Verity <no-reply@example.com>`. */
  from: string;
  /** Limit for connecting, the greeting and each later silence of the server. */
  timeoutMs?: number;
}

export const DEFAULT_SUBJECT = 'Your verification code';
const NAME = 'smtp';

/** send() throws DeliveryError when the server cannot be reached, refuses the login or the message.
 *  close() drops any open connection; call it on shutdown. */
export function createSmtpSender(options: SmtpOptions): Sender & { close(): void } {
  const timeouts = options.timeoutMs
    ? { connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs }
    : {};
  const transport = createTransport({ ...options.transport, ...timeouts });

  async function send(message: OutboundMessage): Promise<SendResult> {
    try {
      const info = await transport.sendMail({
        from: options.from,
        to: message.to,
        subject: message.subject || DEFAULT_SUBJECT,
        ...(message.html ? { html: message.text } : { text: message.text }),
      });
      return info.messageId ? { providerId: info.messageId } : {};
    } catch (error) {
      throw new DeliveryError(NAME, `${NAME} delivery failed: ${describe(error)}`, { cause: error });
    }
  }

  return { name: NAME, channel: 'email', send, close: () => transport.close() };
}

/** Nodemailer's message plus its error code; it names the SMTP reply, never the credentials. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
