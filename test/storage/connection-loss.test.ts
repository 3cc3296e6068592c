// A database connection lost mid-request never answers 500: statements that are safe to run again
// (reads, and anything not yet sent) are retried once on a fresh connection, and the rest answer 503
// with Retry-After in the family's body (storage/db.ts, http/errors.ts, oidc/db-errors.ts). Two ways
// to lose it: pg_terminate_backend on the app's own backends while requests run, and a database that
// cannot be reached at all (a proxy in front of PostgreSQL cut, then restored).
// PostgreSQL only: PGlite runs inside the process and has no connection to lose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPg, type Db } from '../../src/storage/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDb, onPostgres, withPgClient, type TestDb } from '../helpers/db.ts';
import { startExperience, type ExperienceSession } from '../helpers/experience.ts';
import { createRelyingParty, createUser } from '../helpers/oidc-flow.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import { managementToken } from '../helpers/tokens.ts';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: any;
}

describe.skipIf(!onPostgres)('losing the database connection (PostgreSQL; PGlite has no connection to lose)', () => {
  let base: TestDb;
  let proxy: TcpProxy;
  let db: Db;
  let t: TestApp;
  let token: string;
  let userId: string;
  let otpId: string;
  let m2m: { clientId: string; clientSecret: string };
  let experience: ExperienceSession;
  const applicationName = `verity_loss_${process.pid}`;

  beforeAll(async () => {
    base = await createTestDb();
    const target = new URL(base.url!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(base.url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    db = openPg({ url: proxied.toString(), poolSize: 6, schema: base.schema!, applicationName });
    t = await startTestApp({ db });
    token = await managementToken(t);
    userId = (await createUser({ url: t.url, token })).id;
    otpId = (await send('POST', '/otp', { phoneNumber: '+14155550123' }, { 'x-api-key': t.apiKey })).body.otpId;
    m2m = await t.newClient(true);
    experience = await startExperience(t.url, t.config.issuer, await createRelyingParty({ url: t.url, token }, 'SPA'));
  });

  afterAll(async () => {
    await t?.close();
    await db?.close();
    await proxy?.close();
    await base?.close();
  });

  async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const form = typeof body === 'string';
    const response = await fetch(`${t.url}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }), ...headers },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? JSON.parse(text) : null };
  }

  const bearer = () => ({ authorization: `Bearer ${token}` });
  const basic = () => ({ authorization: `Basic ${Buffer.from(`${m2m.clientId}:${m2m.clientSecret}`).toString('base64')}` });
  const clientCredentials = 'grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all';

  /** Terminates every backend of the app's pool; returns how many there were. */
  const terminateBackends = () =>
    withPgClient(async (c) => {
      const { rows } = await c.query('SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      return rows[0].n as number;
    });

  it('pg_terminate_backend while requests run: reads succeed, writes succeed or answer 503 + Retry-After', async () => {
    const reads: { label: string; answer: Answer }[] = [];
    const writes: { family: 'otp' | 'logto'; label: string; answer: Answer }[] = [];
    let terminated = 0;
    // Each round starts reads and writes, terminates every backend of the app while they run, and
    // lets them finish before the next round (a retry is owed one fresh connection, not endless ones).
    for (let round = 0; round < 15; round += 1) {
      const read = (label: string, answer: Promise<Answer>) => answer.then((a) => void reads.push({ label, answer: a }));
      const write = (family: 'otp' | 'logto', label: string, answer: Promise<Answer>) => answer.then((a) => void writes.push({ family, label, answer: a }));
      const running = [
        ...[1, 2, 3].map(() => read('GET /api/users/:id', send('GET', `/api/users/${userId}`, undefined, bearer()))),
        read('GET /otp/:id', send('GET', `/otp/${otpId}`, undefined, { 'x-api-key': t.apiKey })),
        read('GET /api/roles', send('GET', '/api/roles', undefined, bearer())),
        read('POST /oidc/token/introspection', send('POST', '/oidc/token/introspection', 'token=x', basic())),
        write('logto', 'PATCH custom-data', send('PATCH', `/api/users/${userId}/custom-data`, { customData: { round } }, bearer())),
        write('logto', 'POST /api/users', send('POST', '/api/users', { username: `loss_${round}_${process.pid}` }, bearer())),
        write('otp', 'POST /otp', send('POST', '/otp', { phoneNumber: '+14155550123' }, { 'x-api-key': t.apiKey })),
      ];
      terminated += await terminateBackends();
      await Promise.all(running);
    }
    expect(terminated).toBeGreaterThan(0);
    expect(reads.filter(({ answer }) => answer.status >= 300)).toEqual([]);
    const unavailable = { logto: { code: 'status.database_unavailable' }, otp: { error: { code: 1013, type: 'server_error' } } };
    for (const { family, label, answer } of writes) {
      if (answer.status >= 300) expect({ label, ...answer }).toMatchObject({ label, status: 503, retryAfter: '2', body: unavailable[family] });
    }
  });

  it('an unreachable database: 503 + Retry-After in every family, and service again once it is back', async () => {
    proxy.cut();
    try {
      expect(await send('GET', `/otp/${otpId}`, undefined, { 'x-api-key': t.apiKey })).toMatchObject({
        status: 503,
        retryAfter: '2',
        body: { error: { type: 'server_error', code: 1013, message: expect.any(String), uri: '/api/docs#tag/otp-1013' } },
      });
      expect(await send('GET', `/api/users/${userId}`, undefined, bearer())).toMatchObject({
        status: 503,
        retryAfter: '2',
        body: { code: 'status.database_unavailable', message: 'The database does not answer.' },
      });
      const cookie = { cookie: experience.jar.header(`${t.url}/api/experience`) };
      expect(await send('PUT', '/api/experience', { interactionEvent: 'SignIn' }, cookie)).toMatchObject({
        status: 503,
        body: { code: 'status.database_unavailable' },
      });
      expect(await send('POST', '/oidc/token', clientCredentials, basic())).toMatchObject({
        status: 503,
        retryAfter: '2',
        body: { error: 'temporarily_unavailable' },
      });
    } finally {
      proxy.restore();
    }
    expect((await send('GET', `/api/users/${userId}`, undefined, bearer())).status).toBe(200);
    expect(await send('POST', '/oidc/token', clientCredentials, basic())).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
    expect((await send('PUT', '/api/experience', { interactionEvent: 'SignIn' }, { cookie: experience.jar.header(`${t.url}/api/experience`) })).status).toBe(204);
  });
});
