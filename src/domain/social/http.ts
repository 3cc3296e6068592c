// Owns how a social connector talks to its identity provider: every request goes through the egress
// module (net/egress.ts: address policy, no redirects followed, a deadline covering the body, a size
// cap), and every failure becomes one of the contract's errors (types.ts): the provider unreachable
// or answering nonsense is connector.general; a refusal of the code, a wrong state or an ID token
// that fails validation is connector.social_auth_code_invalid. Messages never carry a URL, a code or
// a token.
import { timingSafeEqual } from 'node:crypto';
import { boundedFetch, EgressError, type Egress, type EgressFetch } from '../../net/egress.ts';
import { LogtoError } from '../errors.ts';
import type { SocialSession } from './types.ts';

/** What every provider module needs. */
export interface ProviderDeps {
  egress: Pick<Egress, 'fetch' | 'checkUrl'>;
  /** Deadline of each request (connection, headers and body). */
  timeoutMs: number;
  /** Largest response body accepted. */
  maxBytes: number;
  /** Seconds an ID token's time claims may be off (VERITY_SOCIAL_CLOCK_SKEW_SECONDS). */
  clockSkewSeconds: number;
}

export const DEFAULT_MAX_BYTES = 1024 * 1024;

/** fetch through the egress module with this deployment's deadline and size cap. */
export const providerFetch = (deps: ProviderDeps): EgressFetch => boundedFetch(deps.egress, deps);

export const general = (message: string) => new LogtoError('connector.general', { message });
export const codeInvalid = (message: string) => new LogtoError('connector.social_auth_code_invalid', { message });

/** The EgressError in an error's cause chain, if any. */
function egressCause(error: unknown): EgressError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth += 1) if (e instanceof EgressError) return e;
  return undefined;
}

/** openid-client / oauth4webapi codes that mean the provider answered nonsense, not that it refused. */
const NONSENSE = new Set([
  'OAUTH_RESPONSE_IS_NOT_CONFORM',
  'OAUTH_RESPONSE_IS_NOT_JSON',
  'OAUTH_PARSE_ERROR',
  'OAUTH_HTTP_REQUEST_FORBIDDEN',
  'OAUTH_REQUEST_PROTOCOL_FORBIDDEN',
  'OAUTH_MISSING_SERVER_METADATA',
  'OAUTH_INVALID_SERVER_METADATA',
]);

/** The contract's error for a failure while talking to the provider (LogtoErrors pass through). */
export function providerError(error: unknown): LogtoError {
  if (error instanceof LogtoError) return error;
  const egress = egressCause(error);
  if (egress) return general(`identity provider: ${egress.message}`);
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : 'request failed';
  // openid-client's own codes (OAUTH_*, jose's ERR_JW*) name a refusal or a failed check, but for the
  // few that mean nonsense; anything else is not the provider refusing.
  const refusal = typeof code === 'string' && (code.startsWith('OAUTH_') || code.startsWith('ERR_JW')) && !NONSENSE.has(code);
  return refusal ? codeInvalid(message) : general(`identity provider: ${message}`);
}

/** Runs a step of talking to the provider, mapping its failures with providerError. */
export async function talking<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw providerError(error);
  }
}

const sameText = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The callback's code, once the session is there, the callback is not an error answer and its state
 *  is the session's. Throws session.connector_validation_session_not_found, connector.social_auth_code_invalid. */
export function callbackCode(connectorId: string, session: SocialSession | undefined, data: Record<string, unknown>): { code: string; session: SocialSession } {
  if (!session || session.connectorId !== connectorId) throw new LogtoError('session.connector_validation_session_not_found');
  if (data.error !== undefined) throw codeInvalid(`the provider answered ${typeof data.error === 'string' ? data.error : 'an error'}`);
  if (typeof data.state !== 'string' || !sameText(data.state, session.state)) throw codeInvalid('state mismatch');
  if (typeof data.code !== 'string' || !data.code) throw codeInvalid('code missing');
  return { code: data.code, session };
}

/** The body of a 2xx answer (at most maxBytes). A non-2xx answer is connector.social_auth_code_invalid when
 *  `refusal` says its status means the provider refused, connector.general otherwise. */
export async function fetchText(deps: ProviderDeps, url: string, init: RequestInit, refusal: (status: number) => boolean = () => false): Promise<string> {
  return talking(async () => {
    const response = await providerFetch(deps)(url, init);
    const body = await response.text();
    if (response.ok) return body;
    if (refusal(response.status)) throw codeInvalid(`the provider answered HTTP ${response.status}`);
    throw general(`identity provider answered HTTP ${response.status}`);
  });
}

/** The JSON value of a provider's answer. Throws connector.general. */
export function jsonValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw general('identity provider answered something that is not JSON');
  }
}

/** A JSON object out of a provider's answer. Throws connector.general. */
export function jsonObject(text: string): Record<string, unknown> {
  const parsed = jsonValue(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw general('identity provider answered JSON that is not an object');
  return parsed as Record<string, unknown>;
}
