// Owns the benchmark's HTTP client: requests over keep-alive connections, at most one socket per
// virtual user, JSON answers parsed, redirects not followed. Two transports with one interface, so
// baseline and Verity always share a client: `http` (node:http Agent, the default: least client CPU
// per request) and `fetch` (global fetch).
import http from 'node:http';

export type Transport = 'http' | 'fetch';

export interface JsonResponse {
  status: number;
  /** Parsed JSON for a JSON answer, else the text (undefined when empty). */
  body: any;
  /** `location` and `set-cookie` (the Experience suite's browser reads them). */
  headers: { location?: string; 'set-cookie'?: string[] };
}

export interface ClientRequest {
  method: string;
  path: string;
  /** Sent as is; the caller's headers say what it is. */
  body?: string;
  headers?: Record<string, string>;
  /** Source address (BENCH_SPREAD). */
  localAddress?: string;
}

export interface Client {
  send(request: ClientRequest): Promise<JsonResponse>;
  /** A JSON POST. */
  post(path: string, body: unknown, headers?: Record<string, string>, localAddress?: string): Promise<JsonResponse>;
  close(): void;
}

export function createClient(baseUrl: string, maxSockets: number, transport: Transport): Client {
  const { send, close } = transport === 'fetch' ? fetchTransport(baseUrl) : httpTransport(baseUrl, maxSockets);
  return {
    send,
    post: (path, body, headers = {}, localAddress) =>
      send({ method: 'POST', path, body: JSON.stringify(body), headers: { ...headers, 'content-type': 'application/json' }, localAddress }),
    close,
  };
}

const parse = (text: string, type: string | null | undefined): unknown =>
  !text ? undefined : type?.includes('json') ? JSON.parse(text) : text;

type Transported = Pick<Client, 'send' | 'close'>;

function httpTransport(baseUrl: string, maxSockets: number): Transported {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    send({ method, path, body, headers = {}, localAddress }) {
      const length = body === undefined ? {} : { 'content-length': Buffer.byteLength(body) };
      return new Promise((resolve, reject) => {
        const req = http.request({ agent, localAddress, hostname, port, method, path, headers: { ...headers, ...length } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            try {
              const headers = { location: res.headers.location, 'set-cookie': res.headers['set-cookie'] };
              resolve({ status: res.statusCode ?? 0, body: parse(text, res.headers['content-type']), headers });
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
            }
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => agent.destroy(),
  };
}

// Global fetch keeps connections alive by default (its own pool, which ignores maxSockets).
function fetchTransport(baseUrl: string): Transported {
  return {
    async send({ method, path, body, headers = {} }) {
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: 'manual' });
      const answer = response.headers;
      return {
        status: response.status,
        body: parse(await response.text(), answer.get('content-type')),
        headers: { location: answer.get('location') ?? undefined, 'set-cookie': answer.getSetCookie() },
      };
    },
    close: () => undefined,
  };
}
