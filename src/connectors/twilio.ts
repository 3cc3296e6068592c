// Owns the Twilio-compatible SMS connector: one POST to the Messages API per message
// (form-encoded To, From or MessagingServiceSid, Body; HTTP Basic auth). Any gateway speaking this
// API works via baseUrl.
import { DeliveryError } from '../domain/errors.ts';
import { answerKind, fetchWithTimeout, readJsonBody, stringField } from './http.ts';
import type { EgressFetch } from '../net/egress.ts';
import type { OutboundMessage, Sender, SendResult } from './types.ts';

export interface TwilioOptions {
  /** e.g. https://api.twilio.com (no trailing path). */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Default sender: a Messaging Service SID (MG…, sent as MessagingServiceSid, as Logto's
   *  fromMessagingServiceSID) or a number / alphanumeric id (sent as From); a message's own `from` wins. */
  from: string;
  timeoutMs: number;
  /** The egress module's fetch (net/egress.ts): every request goes through the address policy. */
  fetch: EgressFetch;
}

const NAME = 'twilio';

/** send() throws DeliveryError carrying Twilio's error code and message when the API refuses,
 *  and on a network failure or timeout. */
export function createTwilioSender(options: TwilioOptions): Sender {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  async function send(message: OutboundMessage): Promise<SendResult> {
    const body = new URLSearchParams({ To: message.to, ...senderField(message.from || options.from), Body: message.text }).toString();
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization,
      'user-agent': 'Verity',
    };
    const response = await fetchWithTimeout(options.fetch, NAME, url, { method: 'POST', headers, body }, options.timeoutMs);
    const reply = await readJsonBody(NAME, response);
    if (!response.ok) throw new DeliveryError(NAME, describeTwilioError(response.status, reply), { kind: answerKind(response.status) });
    const sid = stringField(reply, 'sid');
    return sid ? { providerId: sid } : {};
  }

  return { name: NAME, channel: 'sms', send };
}

const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

function senderField(from: string): Record<string, string> {
  return MESSAGING_SERVICE_SID.test(from) ? { MessagingServiceSid: from } : { From: from };
}

/** "twilio error 21211: The 'To' number … (HTTP 400)", or just the status when the body is not
 *  Twilio's error JSON ({code, message, status, more_info}). */
function describeTwilioError(status: number, reply: unknown): string {
  const code = stringField(reply, 'code');
  const text = stringField(reply, 'message');
  if (!code && !text) return `${NAME} answered HTTP ${status}`;
  return `${NAME} error ${code ?? 'unknown'}: ${text ?? 'no message'} (HTTP ${status})`;
}
