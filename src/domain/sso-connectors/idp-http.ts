// Owns the one outbound read from an identity provider (OIDC discovery, SAML metadata): a GET through
// the egress module (net/egress.ts: the address policy, no redirects, a deadline covering the body, and a
// size cap so a hostile or broken IdP cannot make the server buffer without bound). Failures become
// IdpError, whose message names the cause only: never the URL (a metadata URL may carry a token) and
// never the body.
import { EgressError, type Egress } from '../../net/egress.ts';

/** How long and how much an IdP read may take, and the egress module it goes through. */
export interface IdpFetchOptions {
  timeoutMs: number;
  maxBytes: number;
  egress: Pick<Egress, 'fetch' | 'checkUrl'>;
}

/** Short enough that a read with a dead IdP still answers promptly; ample for any single IdP's documents. */
export const DEFAULT_IDP_LIMITS: Omit<IdpFetchOptions, 'egress'> = { timeoutMs: 3000, maxBytes: 1024 * 1024 };

/** The IdP could not be reached, or what it answered is not usable. */
export class IdpError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IdpError';
  }
}

/** Whether `value` is an absolute http or https URL. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && Boolean(url.hostname);
  } catch {
    return false;
  }
}

function causeOf(error: unknown): string {
  if (error instanceof IdpError || error instanceof EgressError) return error.message;
  return 'request failed';
}

/** GETs `url` and resolves with the body of a 2xx answer (a 3xx is not followed: it is a non-2xx answer).
 *  `what` names the document in errors. Throws IdpError (refused address, unreachable, timed out, non-2xx,
 *  too large). */
export async function fetchIdpDocument(what: string, url: string, accept: string, options: IdpFetchOptions): Promise<string> {
  if (!isHttpUrl(url)) throw new IdpError(`${what}: not an http(s) URL`);
  try {
    const response = await options.egress.fetch(url, { headers: { accept }, timeoutMs: options.timeoutMs, maxBytes: options.maxBytes });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new IdpError(`answered HTTP ${response.status}`);
    }
    return await response.text();
  } catch (error) {
    throw new IdpError(`${what}: ${causeOf(error)}`, { cause: error });
  }
}

/** Throws IdpError naming `what` when the egress policy refuses the URL's address (an endpoint the server
 *  will call later, announced by the IdP). */
export async function checkIdpEndpoint(what: string, url: string, options: IdpFetchOptions): Promise<void> {
  try {
    await options.egress.checkUrl(url);
  } catch (error) {
    throw new IdpError(`${what}: ${causeOf(error)}`, { cause: error });
  }
}
