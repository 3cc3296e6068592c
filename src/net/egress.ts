// Owns every outgoing connection to an address a user or an operator supplied (STYLE habit 13): a
// fetch-compatible function (callbacks, SMS gateways, identity providers, and openid-client's customFetch
// later) and a TCP connect for SMTP, both checked by the address policy (address-policy.ts) on the address
// actually connected to: names are resolved by our own lookup, which drops refused addresses before a socket
// exists (so DNS rebinding between a check and a request gains nothing), IP literals are checked directly,
// and every socket's remote address is checked again once connected. Requests follow no redirects (a 3xx is
// handed back like any other status), have a deadline that also covers the body, and a size cap enforced
// while the body streams. Input checks (checkUrl, checkHost) resolve the name with a short timeout and
// refuse when any address it resolves to is refused; a name with no answer in time passes them (there is
// nothing to judge yet, and the connection is checked when it is made).
// Errors are EgressError; their messages name the cause only: never the URL (it may carry a token), never
// the body.
import dns from 'node:dns';
import net, { type LookupFunction, type Socket } from 'node:net';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { parseAddress, unbracket, type AddressPolicy, type Verdict } from './address-policy.ts';

/** What went wrong with an outgoing request. */
export type EgressFailure = 'refused' | 'invalid_url' | 'timeout' | 'too_large' | 'network';

export class EgressError extends Error {
  constructor(
    readonly failure: EgressFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EgressError';
  }
}

/** Every address a host name resolves to (dns.lookup's answer with `all: true`). */
export type Resolver = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** fetch's init (a body may also be any Uint8Array, as openid-client's customFetch passes), plus this
 *  request's deadline (connection, headers and body) and body size cap. */
export type EgressRequestInit = Omit<RequestInit, 'body'> & { body?: RequestInit['body'] | Uint8Array; timeoutMs?: number; maxBytes?: number };
export type EgressFetch = (url: string | URL, init?: EgressRequestInit) => Promise<Response>;

export interface Egress {
  /** fetch with the policy, no redirects, the deadline and the size cap. Rejects with EgressError, or with
   *  the caller's own abort reason when the caller's signal aborts. */
  fetch: EgressFetch;
  /** For a URL given as input: http(s) with a host the policy allows. Throws EgressError (refused, invalid_url). */
  checkUrl(url: string): Promise<void>;
  /** For a host given as input (SMTP). Throws EgressError (refused, invalid_url). */
  checkHost(host: string): Promise<void>;
  /** A TCP connection to host:port through the policy (SMTP; TLS is the caller's). Throws EgressError. */
  connect(host: string, port: number, timeoutMs?: number): Promise<Socket>;
  close(): Promise<void>;
}

export interface EgressOptions {
  policy: AddressPolicy;
  /** Tests map made-up names to addresses; default dns.lookup. */
  resolve?: Resolver;
  /** Deadline and size cap for requests that name none. */
  timeoutMs?: number;
  maxBytes?: number;
  /** How long an input check waits for DNS before letting the name through (the connection is checked anyway). */
  checkTimeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 10_000;

/** `egress.fetch` with one deadline and size cap for every request (an identity provider's client:
 *  openid-client's customFetch, a connector's own calls). */
export function boundedFetch(egress: Pick<Egress, 'fetch'>, limits: { timeoutMs: number; maxBytes: number }): EgressFetch {
  return (url, init = {}) => egress.fetch(url, { ...init, timeoutMs: limits.timeoutMs, maxBytes: limits.maxBytes });
}
export const DEFAULT_MAX_BYTES = 1024 * 1024;
const CHECK_TIMEOUT_MS = 2000;

const refused = (verdict: Verdict & { allowed: false }) => new EgressError('refused', `address not allowed (${verdict.reason})`);
const invalid = (what: string) => new EgressError('invalid_url', what);
const tooLarge = (maxBytes: number) => new EgressError('too_large', `response larger than ${maxBytes} bytes`);

/** A host as the WHATWG URL parser canonicalises it (127.1, 2130706433 and 0x7f000001 all become 127.0.0.1;
 *  IDNs become punycode; IPv6 stays bracketed). Throws EgressError invalid_url for anything but a bare host. */
export function canonicalHost(host: string): string {
  const trimmed = host.trim();
  const literal = net.isIPv6(trimmed) ? `[${trimmed}]` : trimmed;
  let url: URL;
  try {
    url = new URL(`http://${literal}/`);
  } catch {
    throw invalid('not a host name or address');
  }
  if (!trimmed || url.username || url.password || url.port || url.pathname !== '/' || url.search || url.hash)
    throw invalid('not a host name or address');
  return url.hostname;
}

/** The URL, when it is an absolute http(s) URL with a host. Throws EgressError invalid_url. */
function httpUrl(input: string | URL): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw invalid('not a URL');
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) throw invalid('not an http(s) URL');
  return url;
}

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new EgressError('timeout', `DNS lookup timed out after ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** The EgressError somewhere in an error's cause chain (undici wraps a connector's error in "fetch failed"). */
function egressCause(error: unknown): EgressError | undefined {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth += 1) if (e instanceof EgressError) return e;
  return undefined;
}

/** One EgressError for any failure of a request or its body; the caller's own abort passes through unchanged. */
function failureOf(error: unknown, timeoutMs: number, deadline: AbortSignal, caller?: AbortSignal | null): unknown {
  const found = egressCause(error);
  if (found) return found;
  if (caller?.aborted && !deadline.aborted) return error;
  if (deadline.aborted) return new EgressError('timeout', `timed out after ${timeoutMs} ms`, { cause: error });
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = cause && typeof cause.code === 'string' ? cause.code : (error as { code?: unknown })?.code;
  const text = typeof code === 'string' ? code : typeof cause?.message === 'string' ? cause.message : 'request failed';
  return new EgressError('network', text, { cause: error });
}

export function createEgress(options: EgressOptions): Egress {
  const { policy } = options;
  const resolve = options.resolve ?? systemResolver;
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultMaxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const checkTimeout = options.checkTimeoutMs ?? CHECK_TIMEOUT_MS;

  /** The addresses of `hostname` a connection may use; throws EgressError when there are none. */
  async function allowedAddresses(hostname: string, family?: number) {
    const all = await resolve(hostname);
    const wanted = family === 4 || family === 6 ? all.filter((a) => a.family === family) : all;
    let refusal: EgressError | undefined;
    const allowed = wanted.filter((a) => {
      const verdict = policy.check(a.address, hostname);
      if (!verdict.allowed) refusal ??= refused(verdict);
      return verdict.allowed;
    });
    if (allowed.length) return allowed;
    throw refusal ?? Object.assign(new Error(`no address for the host`), { code: 'ENOTFOUND' });
  }

  /** net's lookup hook: what a socket connects to is only ever an allowed address. */
  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    allowedAddresses(hostname, lookupOptions.family as number | undefined).then(
      (list) => (lookupOptions.all ? callback(null, list) : callback(null, list[0]!.address, list[0]!.family)),
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };

  /** Throws EgressError unless the connected socket's peer is allowed for `hostname`. */
  function assertPeer(socket: Socket, hostname: string): void {
    const verdict = socket.remoteAddress ? policy.check(socket.remoteAddress, hostname) : ({ allowed: false, reason: 'not an IP address' } as const);
    if (!verdict.allowed) {
      socket.destroy();
      throw refused(verdict);
    }
  }

  function assertLiteral(hostname: string): boolean {
    if (!parseAddress(hostname)) return false;
    const verdict = policy.check(hostname);
    if (!verdict.allowed) throw refused(verdict);
    return true;
  }

  const base = buildConnector({ lookup });
  const agent = new Agent({
    connect(connectOptions, callback) {
      const hostname = unbracket(connectOptions.hostname);
      try {
        assertLiteral(hostname);
      } catch (error) {
        return callback(error as Error, null);
      }
      base(connectOptions, (error, socket) => {
        if (error || !socket) return callback(error ?? new Error('no socket'), null);
        try {
          assertPeer(socket, hostname);
        } catch (refusal) {
          return callback(refusal as Error, null);
        }
        callback(null, socket);
      });
    },
  });

  async function egressFetch(input: string | URL, init: EgressRequestInit = {}): Promise<Response> {
    const { timeoutMs = defaultTimeout, maxBytes = defaultMaxBytes, signal, ...rest } = init;
    const url = httpUrl(input);
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
    const fail = (error: unknown) => failureOf(error, timeoutMs, deadline, signal);
    let response: Awaited<ReturnType<typeof undiciFetch>>;
    try {
      const request = { ...rest, redirect: 'manual', signal: combined, dispatcher: agent } as Parameters<typeof undiciFetch>[1];
      response = await undiciFetch(url, request);
    } catch (error) {
      throw fail(error);
    }
    const declared = Number(response.headers.get('content-length'));
    if (declared > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw tooLarge(maxBytes);
    }
    const nullBody = response.status === 204 || response.status === 205 || response.status === 304;
    if (nullBody) await response.body?.cancel().catch(() => undefined);
    const body = nullBody || !response.body ? null : capped(response.body as ReadableStream<Uint8Array>, maxBytes, fail);
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers as unknown as Headers });
  }

  async function checkHostname(hostname: string): Promise<void> {
    if (assertLiteral(hostname) || policy.trustsHost(hostname)) return;
    let addresses: Awaited<ReturnType<Resolver>>;
    try {
      addresses = await withDeadline(resolve(hostname), checkTimeout);
    } catch {
      // No answer now: nothing to judge. The connection is checked when it is made.
      return;
    }
    for (const { address } of addresses) {
      const verdict = policy.check(address, hostname);
      if (!verdict.allowed) throw refused(verdict);
    }
  }

  return {
    fetch: egressFetch,
    checkUrl: (url) => checkHostname(unbracket(httpUrl(url).hostname)),
    checkHost: async (host) => checkHostname(unbracket(canonicalHost(host))),
    async connect(host, port, timeoutMs = defaultTimeout) {
      const hostname = unbracket(canonicalHost(host));
      const literal = assertLiteral(hostname);
      const socket = net.connect({ host: hostname, port, ...(literal ? {} : { lookup }) });
      await new Promise<void>((resolveConnect, reject) => {
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new EgressError('timeout', `timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        socket.once('connect', () => {
          clearTimeout(timer);
          resolveConnect();
        });
        socket.once('error', (error) => {
          clearTimeout(timer);
          reject(egressCause(error) ?? new EgressError('network', (error as NodeJS.ErrnoException).code ?? 'connection failed', { cause: error }));
        });
      });
      assertPeer(socket, hostname);
      return socket;
    },
    close: () => agent.close(),
  };
}

/** The body, failing with EgressError once more than maxBytes arrived or when the source fails (deadline). */
function capped(source: ReadableStream<Uint8Array>, maxBytes: number, fail: (error: unknown) => unknown): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let size = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        size += value.byteLength;
        if (size > maxBytes) {
          await reader.cancel().catch(() => undefined);
          return controller.error(tooLarge(maxBytes));
        }
        controller.enqueue(value);
      } catch (error) {
        controller.error(fail(error));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}
