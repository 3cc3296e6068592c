// Where /metrics is served: never on the public port of a production server by default; on the
// public port behind VERITY_METRICS_TOKEN (bearer, 401 without it); on its own port with
// VERITY_METRICS_PORT (the process wiring: a real server started from src/main.ts); open in development.
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { metricsPlacement } from '../../src/http/metrics.ts';
import { startTestApp } from '../helpers/app.ts';
import { unusedPort } from '../helpers/http-server.ts';
import { startServer, stopAllServers } from '../helpers/server-process.ts';

const TOKEN = 'metrics-token-0123456789abcdef';
const SECRET = 'metrics-test-secret-0123456789-abcdefghijklmnop';

afterAll(stopAllServers);

describe('/metrics on the public port', () => {
  it('is not served by a production server without a metrics token or port', async () => {
    const t = await startTestApp();
    try {
      expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
      const doc = await (await fetch(`${t.url}/api/swagger.json`)).json();
      expect(doc.paths['/metrics']).toBeUndefined();
    } finally {
      await t.close();
    }
  });

  it('needs the bearer token when VERITY_METRICS_TOKEN is set', async () => {
    const t = await startTestApp({ env: { VERITY_METRICS_TOKEN: TOKEN } });
    try {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${TOKEN}`, TOKEN, `Bearer ${TOKEN}x`]) {
        const res = await fetch(`${t.url}/metrics`, { headers: authorization ? { authorization } : {} });
        expect(res.status, String(authorization)).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
        expect(await res.text()).not.toContain('verity_');
      }
      const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('verity_http_request_duration_seconds');
      const doc = await (await fetch(`${t.url}/api/swagger.json`)).json();
      expect(doc.paths['/metrics'].get.security).toEqual([{ MetricsToken: [] }]);
    } finally {
      await t.close();
    }
  });
});

describe('placement by configuration', () => {
  it('development serves it openly; production only with a token; a metrics port takes it off the public port', () => {
    const prod = { VERITY_MODE: 'production', VERITY_SECRET: SECRET };
    expect(metricsPlacement(loadConfig({}))).toBe('public');
    expect(metricsPlacement(loadConfig(prod))).toBe('none');
    expect(metricsPlacement(loadConfig({ ...prod, VERITY_METRICS_TOKEN: TOKEN }))).toBe('public');
    expect(metricsPlacement(loadConfig({ ...prod, VERITY_METRICS_PORT: '9464' }))).toBe('own-port');
    expect(metricsPlacement(loadConfig({ VERITY_METRICS_PORT: '9464' }))).toBe('own-port');
  });
});

describe('VERITY_METRICS_PORT (process)', () => {
  it('serves /metrics on its own port and not on the public one', { timeout: 60_000 }, async () => {
    const metricsPort = await unusedPort();
    const server = await startServer({
      env: {
        VERITY_MODE: 'production',
        VERITY_SECRET: SECRET,
        VERITY_SMS_CONNECTOR: 'none',
        VERITY_EMAIL_CONNECTOR: 'none',
        VERITY_METRICS_PORT: String(metricsPort),
      },
    });
    await fetch(`${server.url}/api/status`);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(404);
    const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/verity_http_request_duration_seconds_count\{method="GET",route="\/api\/status",status="204"\}/);
    // Nothing else is on the metrics port.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/status`)).status).toBe(404);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});

describe('HOST', () => {
  it('defaults to loopback in development and to every interface in production', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ VERITY_MODE: 'production', VERITY_SECRET: SECRET }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ VERITY_MODE: 'production', VERITY_SECRET: SECRET, HOST: '10.1.2.3' }).HOST).toBe('10.1.2.3');
  });
});
