// Owns the generic HTTP webhook SMS connector: POSTs {to, text, from?, purpose} as JSON to the
// operator's URL, signed with x-verity-signature when a secret is set. Any 2xx means accepted.
// The code travels only inside `text`; there is deliberately no separate code field.
import { DeliveryError } from '../domain/errors.ts';
import { answerKind, discardBody, fetchWithTimeout, readJsonBody, stringField } from './http.ts';
import { SIGNATURE_HEADER, signPayload } from './signature.ts';
import type { EgressFetch } from '../net/egress.ts';
import type { OutboundMessage, Sender, SendResult } from './types.ts';

export interface WebhookSmsOptions {
  url: string;
  /** HMAC key for the signature header; unsigned requests when absent. */
  secret?: string;
  timeoutMs: number;
  /** The egress module's fetch (net/egress.ts): every request goes through the address policy. */
  fetch: EgressFetch;
  /** Clock for the signature timestamp (tests); defaults to Date.now. */
  now?: () => number;
}

const NAME = 'webhook';

/** send() throws DeliveryError on a non-2xx answer, a network failure or a timeout. */
export function createWebhookSmsSender(options: WebhookSmsOptions): Sender {
  const now = options.now ?? Date.now;

  async function send(message: OutboundMessage): Promise<SendResult> {
    const payload: Record<string, string> = { to: message.to, text: message.text };
    if (message.from) payload.from = message.from;
    payload.purpose = message.purpose;
    const body = JSON.stringify(payload);

    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Verity' };
    if (options.secret) headers[SIGNATURE_HEADER] = signPayload(options.secret, body, Math.floor(now() / 1000));

    const response = await fetchWithTimeout(options.fetch, NAME, options.url, { method: 'POST', headers, body }, options.timeoutMs);
    if (!response.ok) {
      await discardBody(response);
      throw new DeliveryError(NAME, `${NAME} answered HTTP ${response.status}`, { kind: answerKind(response.status) });
    }
    const reply = await readJsonBody(NAME, response);
    const providerId = stringField(reply, 'id') ?? stringField(reply, 'messageId');
    return providerId ? { providerId } : {};
  }

  return { name: NAME, channel: 'sms', send };
}
