// Owns the one outbound read from an identity provider (OIDC discovery, SAML metadata): GET over
// http(s) with a hard timeout covering the body too, and a size cap so a hostile or broken IdP cannot
// make the server buffer without bound. Failures become IdpError, whose message names the cause only:
// never the URL (a metadata URL may carry a token) and never the body.

/** How long and how much an IdP read may take. */
export interface IdpFetchOptions {
  timeoutMs: number;
  maxBytes: number;
}

/** Short enough that a read with a dead IdP still answers promptly; ample for any single IdP's documents. */
export const DEFAULT_IDP_FETCH: IdpFetchOptions = { timeoutMs: 3000, maxBytes: 1024 * 1024 };

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

function causeOf(error: unknown, timeoutMs: number): string {
  if (error instanceof IdpError) return error.message;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `timed out after ${timeoutMs} ms`;
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  return 'request failed';
}

async function readCapped(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) throw new IdpError(`larger than ${maxBytes} bytes`);
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new IdpError(`larger than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** GETs `url` and resolves with the body of a 2xx answer. `what` names the document in errors.
 *  Throws IdpError (unreachable, timed out, non-2xx, too large). */
export async function fetchIdpDocument(what: string, url: string, accept: string, options: IdpFetchOptions): Promise<string> {
  if (!isHttpUrl(url)) throw new IdpError(`${what}: not an http(s) URL`);
  try {
    const response = await fetch(url, { headers: { accept }, redirect: 'follow', signal: AbortSignal.timeout(options.timeoutMs) });
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new IdpError(`answered HTTP ${response.status}`);
    }
    return await readCapped(response, options.maxBytes);
  } catch (error) {
    throw new IdpError(`${what}: ${causeOf(error, options.timeoutMs)}`, { cause: error });
  }
}
