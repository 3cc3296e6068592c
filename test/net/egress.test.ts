// The egress module against real servers on loopback: every refused request is shown never to arrive
// (the server counts TCP connections), whatever the spelling of the address, a host name resolving to it,
// a name that changes its answer between the check and the request (DNS rebinding), or a redirect. Then
// the allow-list (one range, one host name), development's loopback, the size cap and the deadline.
import type http from 'node:http';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EgressError } from '../../src/net/egress.ts';
import { REFUSED_HOSTS, testEgress } from '../helpers/egress.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';

let open: TestServer;
let other: TestServer;
let target: TestServer;
const parked: http.ServerResponse[] = [];

let rebindCalls = 0;
const names = {
  'loop.test': '127.0.0.1',
  'loop6.test': '::1',
  // Public when checked, loopback when connected: a DNS rebinding.
  'rebind.test': () => (++rebindCalls === 1 ? '8.8.8.8' : '127.0.0.1'),
  'mixed.test': ['10.0.0.1', '127.0.0.1'],
  'gateway.internal': '127.0.0.2',
  'other.internal': '127.0.0.2',
};
const strict = testEgress({ allow: '', names });
const allowOne = testEgress({ allow: '127.0.0.1/32', names });
const byName = testEgress({ allow: 'gateway.internal', names });
const development = testEgress({ mode: 'development', allow: '', names });

beforeAll(async () => {
  target = await startHttpServer((_req, res) => res.end('reached'));
  open = await startHttpServer((req, res) => {
    if (req.url === '/redirect') return void res.writeHead(302, { location: `${target.url}/secret` }).end();
    if (req.url === '/big-streamed') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = 'x'.repeat(64 * 1024);
      for (let i = 0; i < 40; i += 1) res.write(chunk);
      return void res.end();
    }
    if (req.url === '/big-declared') return void res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) }).end();
    if (req.url === '/no-answer') return void parked.push(res);
    if (req.url === '/.well-known/openid-configuration') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify({ issuer: open.url, authorization_endpoint: `${open.url}/auth`, token_endpoint: `${open.url}/token`, jwks_uri: `${open.url}/jwks` }));
    }
    if (req.url === '/stalled-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('the first part');
      return void parked.push(res);
    }
    res.end('ok');
  });
  other = await startHttpServer((_req, res) => res.end('other'), '127.0.0.2');
});

afterAll(async () => {
  for (const res of parked) res.destroy();
  await Promise.all([open.close(), other.close(), target.close()]);
  await Promise.all([strict, allowOne, byName, development].map((e) => e.close()));
});

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'no error',
    (error: unknown) => (error instanceof EgressError ? `${error.failure}: ${error.message}` : `not an EgressError: ${String(error)}`),
  );

describe('refused addresses never receive a connection', () => {
  it('every spelling of loopback, metadata, private, multicast and IPv6 forms: fetch, check and connect', async () => {
    const before = open.connections();
    for (const host of REFUSED_HOSTS) {
      const url = `http://${host}:${open.port}/hook`;
      expect(await failure(strict.fetch(url, { method: 'POST', body: '{}' })), host).toMatch(/^refused: address not allowed \(.+\)$/);
      expect(await failure(strict.checkUrl(url)), host).toMatch(/^refused: /);
      expect(await failure(strict.connect(host, open.port, 1000)), host).toMatch(/^refused: /);
    }
    expect(open.connections()).toBe(before);
  });

  it('bare IPv6 and odd host spellings as an SMTP host', async () => {
    for (const host of ['::1', '::', '::ffff:127.0.0.1', 'fe80::1', ' 127.0.0.1 ', 'LOCALHOST', 'localhost.', '017700000001'])
      expect(await failure(strict.checkHost(host)), host).toMatch(/^refused: /);
    for (const host of ['', 'a b', 'host/path', 'user@host', 'host:25'])
      expect(await failure(strict.checkHost(host)), host).toBe('invalid_url: not a host name or address');
  });

  it('a host name that resolves to loopback (IPv4 or IPv6)', async () => {
    const before = open.connections();
    for (const name of ['loop.test', 'loop6.test', 'localhost']) {
      expect(await failure(strict.fetch(`http://${name}:${open.port}/`)), name).toBe('refused: address not allowed (loopback)');
      expect(await failure(strict.checkUrl(`http://${name}:${open.port}/`)), name).toBe('refused: address not allowed (loopback)');
    }
    expect(open.connections()).toBe(before);
  });

  it('DNS rebinding: allowed when checked, loopback when connecting → refused, nothing arrives', async () => {
    const before = open.connections();
    rebindCalls = 0;
    await strict.checkUrl(`http://rebind.test:${open.port}/`);
    expect(await failure(strict.fetch(`http://rebind.test:${open.port}/`))).toBe('refused: address not allowed (loopback)');
    expect(await failure(strict.connect('rebind.test', open.port, 1000))).toBe('refused: address not allowed (loopback)');
    expect(rebindCalls).toBe(3);
    expect(open.connections()).toBe(before);
  });

  it('a name with refused and allowed addresses: the check refuses it, a request uses only the allowed one', async () => {
    expect(await failure(allowOne.checkUrl(`http://mixed.test:${open.port}/`))).toBe('refused: address not allowed (private)');
    const response = await allowOne.fetch(`http://mixed.test:${open.port}/`);
    expect(await response.text()).toBe('ok');
  });

  it('a redirect is handed back, not followed: the target never sees a request', async () => {
    const response = await allowOne.fetch(`${open.url}/redirect`);
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${target.url}/secret`);
    await response.body?.cancel();
    expect(target.connections()).toBe(0);
    expect(target.requests).toHaveLength(0);
  });

  it('errors name the cause, never the URL or its token', async () => {
    const error = await strict.fetch(`http://127.0.0.1:${open.port}/cb?token=s3cr3t-t0ken`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EgressError);
    expect((error as Error).message).toBe('address not allowed (loopback)');
    expect((error as Error).message).not.toMatch(/s3cr3t|127\.0\.0\.1|\/cb/);
  });

  it('only absolute http(s) URLs', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url', 'http://', 'gopher://127.0.0.1/'])
      expect(await failure(strict.fetch(url)), url).toMatch(/^invalid_url: /);
  });
});

describe('the allow-list', () => {
  it('127.0.0.1/32 reaches the server on 127.0.0.1 while 127.0.0.2 stays refused', async () => {
    expect(await (await allowOne.fetch(`${open.url}/`)).text()).toBe('ok');
    const socket = await allowOne.connect('127.0.0.1', open.port, 1000);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    socket.destroy();
    const before = other.connections();
    expect(await failure(allowOne.fetch(`${other.url}/`))).toBe('refused: address not allowed (loopback)');
    expect(await failure(allowOne.fetch(`http://[::1]:${open.port}/`))).toBe('refused: address not allowed (loopback)');
    expect(other.connections()).toBe(before);
  });

  it('a host-name entry opens that name, not its address nor another name resolving to it', async () => {
    const before = other.connections();
    await byName.checkUrl(`http://gateway.internal:${other.port}/`);
    expect(await (await byName.fetch(`http://gateway.internal:${other.port}/`)).text()).toBe('other');
    expect(other.connections()).toBe(before + 1);
    expect(await failure(byName.fetch(`http://other.internal:${other.port}/`))).toBe('refused: address not allowed (loopback)');
    expect(await failure(byName.fetch(`${other.url}/`))).toBe('refused: address not allowed (loopback)');
    expect(other.connections()).toBe(before + 1);
  });
});

describe('development mode', () => {
  it('allows loopback, by address or by name', async () => {
    expect(await (await development.fetch(`${open.url}/`)).text()).toBe('ok');
    expect(await (await development.fetch(`http://localhost:${open.port}/`)).text()).toBe('ok');
    await development.checkUrl(`http://[::1]:${open.port}/`);
  });

  it('and nothing else', async () => {
    for (const host of ['0.0.0.0', '10.0.0.1', '169.254.169.254', '192.168.1.1', '[fc00::1]'])
      expect(await failure(development.checkUrl(`http://${host}/`)), host).toMatch(/^refused: /);
  });
});

describe('limits', () => {
  it('a body larger than the cap fails while it streams; a declared one fails before it is read', async () => {
    const streamed = await allowOne.fetch(`${open.url}/big-streamed`, { maxBytes: 256 * 1024 });
    expect(streamed.status).toBe(200);
    expect(await failure(streamed.text())).toBe(`too_large: response larger than ${256 * 1024} bytes`);
    expect(await failure(allowOne.fetch(`${open.url}/big-declared`, { maxBytes: 1024 * 1024 }))).toBe(
      `too_large: response larger than ${1024 * 1024} bytes`,
    );
    // Under the cap, the same body reads whole.
    expect((await (await allowOne.fetch(`${open.url}/big-streamed`, { maxBytes: 4 * 1024 * 1024 })).text()).length).toBe(40 * 64 * 1024);
  });

  it('the deadline covers waiting for the answer and reading the body', async () => {
    let started = Date.now();
    expect(await failure(allowOne.fetch(`${open.url}/no-answer`, { timeoutMs: 300 }))).toBe('timeout: timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
    started = Date.now();
    const response = await allowOne.fetch(`${open.url}/stalled-body`, { timeoutMs: 300 });
    expect(response.status).toBe(200);
    expect(await failure(response.text())).toBe('timeout: timed out after 300 ms');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("the caller's own abort passes through as the caller's", async () => {
    const controller = new AbortController();
    const pending = allowOne.fetch(`${open.url}/no-answer`, { signal: controller.signal, timeoutMs: 5000 });
    controller.abort(new Error('caller gave up'));
    expect(await pending.catch((e: unknown) => (e as Error).message)).toBe('caller gave up');
  });
});

describe("openid-client's customFetch", () => {
  it('takes the egress fetch as it is: discovery through the policy', async () => {
    const options = (fetch: typeof allowOne.fetch) => ({ execute: [client.allowInsecureRequests], [client.customFetch]: fetch });
    const config = await client.discovery(new URL(open.url), 'client-1', 'secret-1', undefined, options(allowOne.fetch));
    expect(config.serverMetadata().token_endpoint).toBe(`${open.url}/token`);
    const before = open.connections();
    const refused = await client.discovery(new URL(open.url), 'client-1', 'secret-1', undefined, options(strict.fetch)).catch((e: unknown) => e);
    // openid-client wraps what its fetch threw; the cause is the egress refusal.
    expect((refused as Error).cause).toBeInstanceOf(EgressError);
    expect(((refused as Error).cause as Error).message).toBe('address not allowed (loopback)');
    expect(open.connections()).toBe(before);
  });
});
