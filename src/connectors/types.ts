// Owns the delivery port: what the domain hands a connector, and what a connector promises back.
// The code engine never formats messages; use cases render a template and call a Sender.

export type Channel = 'sms' | 'email';

export interface OutboundMessage {
  channel: Channel;
  /** E.164 phone number or email address. */
  to: string;
  /** The rendered message body. */
  text: string;
  /** Email subject (email only). */
  subject?: string;
  /** Sender name or number the caller asked for (SMS), when the gateway supports one. */
  from?: string;
  /** The plaintext code, for connectors that must record it (the development outbox only). */
  code: string;
  /** Why the message is sent (template purpose), e.g. `otp`, `SignIn`, `Register`. */
  purpose: string;
}

export interface SendResult {
  /** The gateway's own id for the message, when it returns one. */
  providerId?: string;
}

/** One outbound connector. send() resolves once the gateway accepted the message and throws
 *  DeliveryError (domain/errors.ts) when it did not; it never logs the code or the text. */
export interface Sender {
  readonly name: string;
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<SendResult>;
}

export interface Senders {
  sms?: Sender;
  email?: Sender;
}
