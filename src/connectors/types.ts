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
  /** Email only: `text` is HTML (a template with contentType text/html). */
  html?: boolean;
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
  /** False while a send would fail at once (connectors/guard.ts: breaker open, queue full), so a
   *  use case can refuse before issuing a code; absent means always ready. */
  ready?(): boolean;
}

/** A connector's message template for one usage type (Logto's `templates[]` entry). */
export interface MessageTemplate {
  content: string;
  subject?: string;
  contentType?: 'text/plain' | 'text/html';
}

/** The connector serving a channel right now, with its templates. */
export interface Delivery {
  /** The stored connector's id, or a name for connectors that have none. */
  connectorId: string;
  sender: Sender;
  /** The template for a usage type (SignIn, Register, ForgotPassword, Generic, …); undefined when
   *  the connector has none for it (callers answer connector.template_not_found). */
  template(usageType: string): MessageTemplate | undefined;
}

/** Where use cases find the connector for a channel. The stored connectors are the source: a
 *  connector created, changed or deleted through the Management API is used from the next send. */
export interface SenderDirectory {
  resolve(channel: Channel): Promise<Delivery | undefined>;
  /** Forget cached connectors (called after this process changed one). */
  invalidate(): void;
  close(): Promise<void>;
}
