// Owns the outbound HTTP call shared by the HTTP gateway connectors: one request through the egress
// module (net/egress.ts: address policy, no redirects, a deadline covering the body, a size cap), failures
// turned into DeliveryError, and a tolerant read of a JSON reply.
// Error messages name the status or the cause only: never the URL (it may hold a token) or the body.
import { DeliveryError } from '../domain/errors.ts';
import type { EgressFetch } from '../net/egress.ts';

/** Sends one request; resolves with the Response whatever its status (a 3xx is not followed).
 *  Throws DeliveryError when the address is refused, the connection fails or no answer arrives within `timeoutMs`. */
export async function fetchWithTimeout(
  fetch: EgressFetch,
  connector: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body: string },
  timeoutMs: number,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, timeoutMs });
  } catch (error) {
    throw new DeliveryError(connector, `${connector} request failed: ${describeFailure(error)}`, { cause: error });
  }
}

/** Reads the reply as JSON; undefined for an empty or non-JSON body.
 *  Throws DeliveryError if the body stops arriving (the request's timeout also covers the body). */
export async function readJsonBody(connector: string, response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw new DeliveryError(connector, `${connector} reply could not be read: ${describeFailure(error)}`, {
      cause: error,
    });
  }
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Drops an unread body so the connection can be reused or closed. */
export async function discardBody(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // Nothing to free.
  }
}

/** What a non-2xx answer says about the gateway (DeliveryError.kind, for the breaker in guard.ts): a
 *  4xx about this message means it is up (`rejected`); a 5xx, 408, 429 or an unfollowed 3xx means it
 *  cannot take messages now (`unavailable`). */
export function answerKind(status: number): 'unavailable' | 'rejected' {
  return status >= 400 && status < 500 && status !== 408 && status !== 429 ? 'rejected' : 'unavailable';
}

/** A string or number field of a JSON object, as a string. */
export function stringField(value: unknown, key: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  if (typeof field === 'string' && field) return field;
  if (typeof field === 'number') return String(field);
  return undefined;
}

/** The egress module's errors name their cause (refused address, timeout, size, network code) and
 *  never the URL or the body. */
function describeFailure(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
