// Owns the benchmark's HTTP client: requests over keep-alive connections, at most one socket per
// virtual user, answers parsed as JSON. Two transports with one interface, so baseline and Verity
// always share a client: `http` (node:http Agent, the default: least client CPU per request) and
// `fetch` (global fetch).
import http from 'node:http';

export type Transport = 'http' | 'fetch';

export interface JsonResponse {
  status: number;
  body: any;
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

const parse = (text: string): unknown => (text ? JSON.parse(text) : undefined);

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
              resolve({ status: res.statusCode ?? 0, body: parse(text) });
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
      const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
      return { status: response.status, body: parse(await response.text()) };
    },
    close: () => undefined,
  };
}
