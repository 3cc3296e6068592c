// The in-process caches across two server processes on one PostgreSQL database
// (VERITY_TEST_DRIVER=pg; PGlite is one process, so there is no other process to tell): B's caches are
// primed, a change is made through A (or by an operator's process, for what no API changes), and B
// obeys it as soon as its listener hears the notification. A answers once its own listener heard it;
// the database signals B's listener at the same commit, but each listener is woken on its own, so on
// a loaded machine A's answer can reach the test before B has read its notification: B's side is
// asked again until it obeys, for at most OBEYED_WITHIN_MS (a B that ignores notifications never
// does). With B's listener connection killed, B reads through (and still obeys), then listens again.
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { createApiKey } from '../../src/domain/apps/index.ts';
import { DEFAULT_APP_ID } from '../../src/domain/apps/bootstrap.ts';
import { systemClock } from '../../src/domain/clock.ts';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import { openPg, type Db } from '../../src/storage/db.ts';
import { createScratchDatabase, onPostgres, withPgClient } from '../helpers/db.ts';
import { startExperience } from '../helpers/experience.ts';
import { CookieJar, authorizationRequest, browse, createRelyingParty, relyingPartyConfig, type ManagedServer } from '../helpers/oidc-flow.ts';
import { NO_RATE_LIMITS, REPO_ROOT, getOtp, phoneNumber, postOtp, spawnServer, stopAllServers, tempDir, waitReady, type ServerProcess } from '../helpers/server-process.ts';
import { startSmsGateway, type SmsGateway } from '../helpers/sms-gateway.ts';

const SECRET = 'cache-process-secret-0123456789-abcdefghijklmn';
const PUBLIC_URL = 'http://verity.test';
const API_KEY = `vk_cache_${crypto.randomBytes(12).toString('hex')}`;
const ADMIN = {
  VERITY_ADMIN_CLIENT_ID: `admin${crypto.randomBytes(8).toString('hex')}`,
  VERITY_ADMIN_CLIENT_SECRET: crypto.randomBytes(24).toString('base64url'),
};
// B's connections name themselves, so its listener can be found (and cut off) in pg_stat_activity.
const B_NAME = `verity-b-${crypto.randomBytes(4).toString('hex')}`;
const smsTemplates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: `${usageType} {{code}}` }));

afterAll(stopAllServers);

/** How long B may take to hear a change A has answered for (A's own wait is at most 1 s). */
const OBEYED_WITHIN_MS = 3000;

/** Resolves once `check` holds, asking every 20 ms; fails after OBEYED_WITHIN_MS. */
async function obeyed(what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + OBEYED_WITHIN_MS;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`B did not obey within ${OBEYED_WITHIN_MS} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The operator's command line against the database (a process of its own, as in production). */
function cli(databaseUrl: string, ...args: string[]): Promise<string> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(VERITY_|DATABASE_|NODE_ENV$|NODE_OPTIONS$)/.test(key)));
  const env = { ...base, DATABASE_URL: databaseUrl, VERITY_SECRET: SECRET, VERITY_DATA_DIR: tempDir() };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['dist/cli/index.js', ...args], { cwd: REPO_ROOT, env }, (error, stdout, stderr) =>
      error ? reject(new Error(`${args.join(' ')}: ${stderr}`)) : resolve(stdout),
    );
  });
}

describe.skipIf(!onPostgres)('cached settings across two processes on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let databaseUrl = '';
  let a: ServerProcess;
  let b: ServerProcess;
  let onA: ManagedServer;
  let db: Db;
  let first: SmsGateway;
  let second: SmsGateway;
  const keyring = createKeyring([SECRET]);
  const wellKnown = (server: ServerProcess) => `${server.url}/oidc/.well-known/openid-configuration`;

  const onAdmin = async (server: ServerProcess) =>
    client.discovery(new URL(wellKnown(server)), ADMIN.VERITY_ADMIN_CLIENT_ID, ADMIN.VERITY_ADMIN_CLIENT_SECRET, undefined, {
      execute: [client.allowInsecureRequests],
    });
  const adminToken = async (server: ServerProcess) =>
    (await client.clientCredentialsGrant(await onAdmin(server), { resource: MANAGEMENT_API_RESOURCE, scope: 'all' })).access_token;
  const manage = async (server: ServerProcess, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${onA.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  const jwksKids = async (server: ServerProcess) =>
    ((await (await fetch(`${server.url}/oidc/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);
  /** The listener connections of B (the one statement they ever ran is LISTEN). */
  const listenersOfB = () =>
    withPgClient(
      async (c) =>
        (
          await c.query<{ pid: number }>(
            `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND query = 'LISTEN verity_changes'`,
            [B_NAME],
          )
        ).rows.map((r) => r.pid),
      databaseUrl,
    );

  beforeAll(async () => {
    scratch = await createScratchDatabase('verity_c');
    databaseUrl = scratch.url;
    [first, second] = await Promise.all([startSmsGateway(), startSmsGateway()]);
    const env = {
      DATABASE_URL: databaseUrl,
      VERITY_SECRET: SECRET,
      VERITY_PUBLIC_URL: PUBLIC_URL,
      VERITY_OTP_API_KEY: API_KEY,
      VERITY_SMS_CONNECTOR: 'webhook',
      VERITY_SMS_WEBHOOK_URL: first.url,
      VERITY_EMAIL_CONNECTOR: 'none',
      ...NO_RATE_LIMITS,
      ...ADMIN,
    };
    // One after the other: both would write the configured connector at start.
    a = await spawnServer({ env });
    await waitReady(a);
    b = await spawnServer({ env: { ...env, PGAPPNAME: B_NAME } });
    await waitReady(b);
    onA = { url: a.url, token: await adminToken(a) };
    db = openPg({ url: databaseUrl, poolSize: 2 });
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await stopAllServers();
    await Promise.all([first?.close(), second?.close()]);
    await scratch?.drop();
  });

  it("a sign-in experience change in A is obeyed by B's Experience API as soon as B hears of it", async () => {
    const spa = await createRelyingParty(onA, 'SPA');
    const session = await startExperience(b.url, wellKnown(b), spa);
    const register = async () => (await session.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status;
    expect((await session.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204);
    expect(await register()).toBe(204);

    expect((await manage(a, 'PATCH', '/api/sign-in-exp', { signInMode: 'SignIn' })).status).toBe(200);
    await obeyed('registration closed', async () => (await register()) === 403);
    expect(await session.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden' },
    });

    expect((await manage(a, 'PATCH', '/api/sign-in-exp', { signInMode: 'SignInAndRegister' })).status).toBe(200);
    await obeyed('registration open again', async () => (await register()) === 204);
  });

  it("an application's redirect URI removed in A is refused by B's /oidc/auth as soon as B hears of it", async () => {
    const spa = await createRelyingParty(onA, 'SPA');
    const request = await authorizationRequest(await relyingPartyConfig(spa, wellKnown(b)), spa, 'openid');
    const primed = await browse(new CookieJar(), request.url.href);
    await primed.arrayBuffer();
    expect(primed.status).toBe(303);

    const patched = await manage(a, 'PATCH', `/api/applications/${spa.id}`, {
      oidcClientMetadata: { redirectUris: ['https://elsewhere.example.com/callback'], postLogoutRedirectUris: [] },
    });
    expect(patched.status).toBe(200);
    let refused: Response | undefined;
    await obeyed('redirect URI removed', async () => {
      const res = await fetch(request.url.href, { redirect: 'manual' });
      if (res.status === 400) refused = res;
      else await res.arrayBuffer();
      return res.status === 400;
    });
    expect(await refused!.json()).toMatchObject({ error: 'invalid_redirect_uri' });
  });

  it('a connector changed in A: B sends through the new one as soon as it hears of it, and only through it', async () => {
    const before = phoneNumber();
    expect((await postOtp(b.url, API_KEY, before)).status).toBe(201);
    expect(first.messages.some((m) => m.to === before)).toBe(true);

    const listed = await manage(a, 'GET', '/api/connectors');
    const sms = (listed.body as { id: string; type: string }[]).find((c) => c.type === 'Sms')!;
    expect((await manage(a, 'PATCH', `/api/connectors/${sms.id}`, { config: { url: second.url, templates: smsTemplates } })).status).toBe(200);

    const sendThroughB = async () => {
      const to = phoneNumber();
      expect((await postOtp(b.url, API_KEY, to)).status).toBe(201);
      return to;
    };
    await obeyed('the new connector used', async () => {
      const to = await sendThroughB();
      return second.messages.some((m) => m.to === to);
    });
    // from then on every send goes through the new one
    const after = await sendThroughB();
    expect(second.messages.some((m) => m.to === after)).toBe(true);
    expect(first.messages.some((m) => m.to === after)).toBe(false);
  });

  it('a signing-key rotation is published and used by B as soon as B hears of it; tokens of the old key stay valid', async () => {
    const oldToken = await adminToken(b);
    const [oldKid] = await jwksKids(b);
    expect(decodeProtectedHeader(oldToken).kid).toBe(oldKid);

    // The operator's rotation, from a process of its own (no server runs it).
    // The CLI waits for no listener: both servers hear it on their own.
    expect(await cli(databaseUrl, 'signing-keys', 'rotate', '3600')).toContain('rotated');
    let kids: string[] = [];
    await obeyed('the new key published', async () => (kids = await jwksKids(b))[0] !== oldKid);
    expect(kids).toContain(oldKid);
    const newToken = await adminToken(b);
    expect(decodeProtectedHeader(newToken).kid).toBe(kids[0]);
    await obeyed('the new key published by A too', async () => (await jwksKids(a))[0] === kids[0]);
    expect(await jwksKids(a)).toEqual(kids);
    // Each process accepts what the other signed, with either key.
    for (const token of [oldToken, newToken]) {
      const res = await fetch(`${a.url}/api/applications/${DEFAULT_APP_ID}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
    }
  });

  it('an OTP API key revoked by the operator is refused by B as soon as B hears of it', async () => {
    const deps = { db, clock: systemClock, keyring };
    const { key, row } = await createApiKey(deps, DEFAULT_APP_ID, 'revoked soon');
    expect((await getOtp(b.url, key, 'unknown-otp')).status).toBe(404);
    expect((await getOtp(b.url, key, 'unknown-otp')).status).toBe(404);

    expect(await cli(databaseUrl, 'keys', 'revoke', row.id)).toContain(`revoked ${row.id}`);
    await obeyed('the key refused', async () => (await getOtp(b.url, key, 'unknown-otp')).status === 401);
    expect((await getOtp(b.url, key, 'unknown-otp')).status).toBe(401);
  });

  it('with its listener cut off, B reads through and still obeys every change, then listens again', async () => {
    const spa = await createRelyingParty(onA, 'SPA');
    const session = await startExperience(b.url, wellKnown(b), spa);
    const register = async () => (await session.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status;
    expect((await session.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204);
    expect(await register()).toBe(204);
    const [listener] = await listenersOfB();
    expect(listener).toBeDefined();

    // The change commits once B's listener is gone and before B can listen again (it waits 100 ms
    // at least): its notification reaches nobody in B, which must read through, or flush when back.
    await withPgClient(
      (watcher) =>
        withPgClient(async (writer) => {
          await writer.query('BEGIN');
          await writer.query(`UPDATE sign_in_experiences SET sign_in_mode = 'SignIn'`);
          await watcher.query('SELECT pg_terminate_backend($1)', [listener]);
          const alive = async () => (await watcher.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [listener])).rows.length > 0;
          while (await alive()) await new Promise((resolve) => setTimeout(resolve, 2));
          await writer.query('COMMIT');
        }, databaseUrl),
      databaseUrl,
    );
    // B notices the lost connection when its socket closes (read-through from then on)
    await obeyed('the change committed while B was not listening', async () => (await register()) === 403);

    // Back: a new listener, and what changes from now on is obeyed as before.
    let again: number[] = [];
    for (let i = 0; i < 100 && !(again = (await listenersOfB()).filter((pid) => pid !== listener)).length; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(again).toHaveLength(1);
    expect((await manage(a, 'PATCH', '/api/sign-in-exp', { signInMode: 'SignInAndRegister' })).status).toBe(200);
    await obeyed('registration open again', async () => (await register()) === 204);
  });
});
