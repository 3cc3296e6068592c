// The authorization-code flow across two server processes on one PostgreSQL database
// (VERITY_TEST_DRIVER=pg): every OIDC model and the cookie keys live in the database, so a flow
// started on one process finishes on the other. Both share VERITY_SECRET (the keys are sealed with
// it) and one issuer name; each is called on its own port, the issuer being only a name.
import crypto from 'node:crypto';
import type Provider from 'oidc-provider';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { clientAuthThrottleSettingsOf } from '../../src/oidc/client-auth-throttle.ts';
import { finishInteraction } from '../../src/oidc/interaction.ts';
import { loadOidcKeys } from '../../src/oidc/keys.ts';
import { createProvider, MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import { openPg, type Db } from '../../src/storage/db.ts';
import { createScratchDatabase, onPostgres } from '../helpers/db.ts';
import {
  CookieJar,
  authorizationRequest,
  browse,
  createRelyingParty,
  createUser,
  exchange,
  follow,
  relyingPartyConfig,
  startSignIn,
  tokenRequest,
  userinfo,
  type ManagedServer,
  type RelyingParty,
  type TestUser,
} from '../helpers/oidc-flow.ts';
import { spawnServer, stopAllServers, waitReady, type ServerProcess } from '../helpers/server-process.ts';

const SECRET = 'oidc-process-secret-0123456789-abcdefghijklmnop';
// One public URL for both processes: the issuer name in their metadata and tokens (never dialled).
const PUBLIC_URL = 'http://verity.test';
const ISSUER = `${PUBLIC_URL}/oidc`;
const ADMIN = {
  VERITY_ADMIN_CLIENT_ID: `admin${crypto.randomBytes(8).toString('hex')}`,
  VERITY_ADMIN_CLIENT_SECRET: crypto.randomBytes(24).toString('base64url'),
};

afterAll(stopAllServers);

describe.skipIf(!onPostgres)('authorization code across two processes on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let databaseUrl = '';
  let a: ServerProcess;
  let b: ServerProcess;
  let db: Db;
  /** A provider of this test process over the same database, keys and issuer (the sign-in finisher). */
  let finisher: Provider;
  let tokenFromA: string;
  let spa: RelyingParty;
  let user: TestUser;

  // Each process by its own port: discovery through its well-known URL, so the metadata's endpoints
  // are that process's while the issuer stays the shared name.
  const wellKnown = (server: ServerProcess) => `${server.url}/oidc/.well-known/openid-configuration`;
  const onProcess = (url: string, server: ServerProcess) => {
    const moved = new URL(url);
    moved.host = new URL(server.url).host;
    return moved.href;
  };

  beforeAll(async () => {
    scratch = await createScratchDatabase('verity_o');
    databaseUrl = scratch.url;
    const env = {
      DATABASE_URL: databaseUrl,
      VERITY_SECRET: SECRET,
      VERITY_PUBLIC_URL: PUBLIC_URL,
      VERITY_OTP_API_KEY: `vk_oidc_${crypto.randomBytes(12).toString('hex')}`,
      ...ADMIN,
    };
    [a, b] = await Promise.all([spawnServer({ env }), spawnServer({ env })]);
    await Promise.all([waitReady(a), waitReady(b)]);
    db = openPg({ url: databaseUrl, poolSize: 2 });
    const keyring = createKeyring([SECRET]);
    finisher = createProvider({
      issuer: ISSUER,
      db,
      keys: await loadOidcKeys(db, keyring),
      trustProxy: false,
      interactionUrl: '/sign-in',
      keyring,
      clientAuthThrottle: clientAuthThrottleSettingsOf(loadConfig({})),
      retryAfterSeconds: 2,
    });

    const m2m = await client.discovery(new URL(wellKnown(a)), ADMIN.VERITY_ADMIN_CLIENT_ID, ADMIN.VERITY_ADMIN_CLIENT_SECRET, undefined, {
      execute: [client.allowInsecureRequests],
    });
    tokenFromA = (await client.clientCredentialsGrant(m2m, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' })).access_token;
    const onA: ManagedServer = { url: a.url, token: tokenFromA };
    [spa, user] = await Promise.all([createRelyingParty(onA, 'SPA'), createUser(onA)]);
  }, 90_000);

  afterAll(async () => {
    await db?.close();
    await stopAllServers();
    await scratch?.drop();
  });

  it('a client-credentials token issued by A is accepted by the Management API on B', async () => {
    const res = await fetch(`${b.url}/api/applications/${spa.id}`, { headers: { authorization: `Bearer ${tokenFromA}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: spa.id, type: 'SPA' });
  });

  it('starts on A, finishes in the test process, resumes and exchanges on B, userinfo on A, refresh across both', async () => {
    const [configA, configB] = await Promise.all([relyingPartyConfig(spa, wellKnown(a)), relyingPartyConfig(spa, wellKnown(b))]);
    expect(configA.serverMetadata().issuer).toBe(ISSUER);
    expect(configB.serverMetadata().token_endpoint).toBe(`${b.url}/oidc/token`);

    // A sets the interaction cookies, signed with the cookie keys stored in the database.
    const jar = new CookieJar();
    const request = await authorizationRequest(configA, spa, 'openid email offline_access', { prompt: 'consent' });
    const { uid } = await startSignIn(jar, request.url);

    // The sign-in is finished by a provider of this test process over the same database and keys.
    const { redirectTo } = await finishInteraction(finisher, uid, { accountId: user.id });
    expect(redirectTo).toBe(`${a.url}/oidc/auth/${uid}`);

    // B verifies A's cookie signatures, finds the interaction and answers with the code.
    const resumed = await follow(jar, onProcess(redirectTo, b));
    expect(resumed.visited).toEqual([`${b.url}/oidc/auth/${uid}`]);
    const callback = resumed.location!;
    expect(callback.startsWith(`${spa.redirectUri}?code=`)).toBe(true);

    const tokens = await exchange(configB, callback, request);
    expect(tokens.claims()).toMatchObject({ iss: ISSUER, aud: spa.id, sub: user.id, nonce: request.nonce });
    expect(await client.fetchUserInfo(configA, tokens.access_token, user.id)).toMatchObject({ sub: user.id, email: user.primaryEmail });

    // The session cookie B set is honoured by A: the next authorization there needs no sign-in.
    const again = await authorizationRequest(configA, spa, 'openid');
    const sso = await follow(jar, again.url.href);
    expect(sso.location!.startsWith(`${spa.redirectUri}?code=`)).toBe(true);

    // Rotation on A, replay of the rotated token on B: the grant is revoked everywhere.
    const rotated = await client.refreshTokenGrant(configA, tokens.refresh_token!);
    expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    const replay = await tokenRequest(configB, spa, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    await expect(client.refreshTokenGrant(configA, rotated.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await userinfo(configB, rotated.access_token)).status).toBe(401);
  });

  it('a cookie whose signature was not made with the shared keys is refused by the other process', async () => {
    const configA = await relyingPartyConfig(spa, wellKnown(a));
    const jar = new CookieJar();
    const request = await authorizationRequest(configA, spa, 'openid');
    const { uid } = await startSignIn(jar, request.url);
    const { redirectTo } = await finishInteraction(finisher, uid, { accountId: user.id });
    // the same cookies with the resume cookie's signature forged
    jar.set('_interaction_resume.sig', crypto.randomBytes(20).toString('base64url'), `/oidc/auth/${uid}`);
    const res = await browse(jar, onProcess(redirectTo, b));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request', error_description: 'authorization request has expired' });
  });
});
