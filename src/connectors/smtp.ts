// Owns the SMTP email connector: one nodemailer transport built from a stored SMTP connector's
// config (host, port, secure, auth with a password or OAuth2, TLS options; see
// domain/connectors/build-sender.ts), sending plain-text or HTML messages. Nodemailer opens no socket of its
// own: the TCP connection comes from the egress module (getSocket; nodemailer adds TLS on it), and so does the
// OAuth2 token request (XOAuth2's postRequest), so both are held to the address policy.
import { createTransport } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { DeliveryError } from '../domain/errors.ts';
import type { Egress } from '../net/egress.ts';
import type { OutboundMessage, Sender, SendResult } from './types.ts';

export interface SmtpOptions {
  /** nodemailer SMTP transport options: host, port, secure, auth ({user, pass} or OAuth2), tls, … */
  transport: SMTPTransport.Options;
  /** The From header, e.g. `Verity <no-reply@example.com>`. */
  from: string;
  /** Limit for connecting, the greeting and each later silence of the server. */
  timeoutMs?: number;
  /** The egress module (net/egress.ts): the connection to the server and the OAuth2 token request. */
  egress: Pick<Egress, 'connect' | 'fetch'>;
}

const DEFAULT_CONNECT_MS = 30_000;

export const DEFAULT_SUBJECT = 'Your verification code';
const NAME = 'smtp';

/** send() throws DeliveryError when the server cannot be reached, refuses the login or the message.
 *  close() drops any open connection; call it on shutdown. */
export function createSmtpSender(options: SmtpOptions): Sender & { close(): void } {
  const timeouts = options.timeoutMs
    ? { connectionTimeout: options.timeoutMs, greetingTimeout: options.timeoutMs, socketTimeout: options.timeoutMs }
    : {};
  const connectMs = options.timeoutMs ?? DEFAULT_CONNECT_MS;
  const transport = createTransport({
    ...options.transport,
    ...timeouts,
    getSocket(socketOptions, callback) {
      const port = Number(socketOptions.port ?? (socketOptions.secure ? 465 : 587));
      options.egress.connect(socketOptions.host ?? 'localhost', port, connectMs).then(
        (connection) => callback(null, { connection }),
        (error: Error) => callback(error, false),
      );
    },
  });
  routeTokenRequests(transport.transporter as SMTPTransport, options.egress, connectMs);

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
      throw new DeliveryError(NAME, `${NAME} delivery failed: ${describe(error)}`, { cause: error, kind: kindOf(error) });
    }
  }

  return { name: NAME, channel: 'email', send, close: () => transport.close() };
}

// SMTP replies that refuse this message or its recipient (RFC 5321: 550–553 mailbox/address, 501
// syntax of an argument, 554 transaction failed): the server is up. Anything else — no connection,
// a timeout, a refused login, a 4xx "try again later" — means it cannot take mail now.
const REFUSES_MESSAGE = new Set([501, 550, 551, 552, 553, 554]);

function kindOf(error: unknown): 'unavailable' | 'rejected' {
  const reply = (error as { responseCode?: unknown } | null)?.responseCode;
  return typeof reply === 'number' && REFUSES_MESSAGE.has(reply) ? 'rejected' : 'unavailable';
}

/** Nodemailer's message plus its error code; it names the SMTP reply, never the credentials. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}

type PostRequest = (url: string, payload: Record<string, unknown>, params: { customHeaders?: Record<string, string> }, callback: (error: Error | null, body?: Buffer) => void) => void;

/** Sends XOAuth2's token requests (refresh token or service account) through the egress module instead of
 *  nodemailer's own HTTP client. Throws Error when nodemailer no longer has the hook (a newer release). */
function routeTokenRequests(transport: SMTPTransport, egress: Pick<Egress, 'fetch'>, timeoutMs: number): void {
  const oauth2 = (transport as unknown as { auth?: { oauth2?: { postRequest?: PostRequest } } }).auth?.oauth2;
  if (!oauth2) return;
  if (typeof oauth2.postRequest !== 'function') throw new Error('OAuth2 token requests cannot be routed through the egress policy');
  oauth2.postRequest = (url, payload, params, callback) => {
    const body = new URLSearchParams(Object.entries(payload).map(([k, v]) => [k, String(v).trim()])).toString();
    const headers = { ...params.customHeaders, 'content-type': 'application/x-www-form-urlencoded' };
    egress
      .fetch(url, { method: 'POST', headers, body, timeoutMs })
      .then((response) => response.arrayBuffer())
      .then(
        (bytes) => callback(null, Buffer.from(bytes)),
        (error: Error) => callback(error),
      );
  };
}
