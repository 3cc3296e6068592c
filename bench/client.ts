// Owns the benchmark's HTTP client: JSON requests over keep-alive connections, at most one socket per
// virtual user. Two transports with one interface, so baseline and Verity always share a client:
// `http` (node:http Agent, the default: least client CPU per request) and `fetch` (global fetch).
import http from 'node:http';

export type Transport = 'http' | 'fetch';

export interface JsonResponse {
  status: number;
  body: any;
}

export interface Client {
  post(path: string, body: unknown, headers?: Record<string, string>, localAddress?: string): Promise<JsonResponse>;
  close(): void;
}

export function createClient(baseUrl: string, maxSockets: number, transport: Transport): Client {
  return transport === 'fetch' ? fetchClient(baseUrl) : httpClient(baseUrl, maxSockets);
}

const parse = (text: string): unknown => (text ? JSON.parse(text) : undefined);

function httpClient(baseUrl: string, maxSockets: number): Client {
  const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  const { hostname, port } = new URL(baseUrl);
  return {
    post(path, body, headers = {}, localAddress) {
      const payload = JSON.stringify(body);
      return new Promise((resolve, reject) => {
        const req = http.request(
          {
            agent,
            localAddress,
            hostname,
            port,
            method: 'POST',
            path,
            headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
          },
          (res) => {
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
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    },
    close: () => agent.destroy(),
  };
}

// Global fetch keeps connections alive by default (its own pool, which ignores maxSockets).
function fetchClient(baseUrl: string): Client {
  return {
    async post(path, body, headers = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: parse(await response.text()) };
    },
    close: () => undefined,
  };
}
