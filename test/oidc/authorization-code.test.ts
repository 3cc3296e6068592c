// The authorization-code flow through openid-client 6 as the relying party and fetch with a cookie
// jar as the browser: applications and users made through the Management API, the sign-in finished
// in-process through finishInteraction (the Experience API will call it), then the code exchange,
// ID token, userinfo, refresh rotation, logout, and every way the provider must refuse.
import * as client from 'openid-client';
import { decodeJwt } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishInteraction } from '../../src/oidc/interaction.ts';
import { MANAGEMENT_API_RESOURCE, OTP_API_RESOURCE } from '../../src/oidc/resources.ts';
import { useTestApp } from '../helpers/app.ts';
import {
  CookieJar,
  authorizationRequest,
  browse,
  createRelyingParty,
  createUser,
  exchange,
  follow,
  relyingPartyConfig,
  signOut,
  startSignIn,
  tokenRequest,
  userinfo,
  type ManagedServer,
  type RelyingParty,
  type TestUser,
} from '../helpers/oidc-flow.ts';
import { managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
const server = {} as ManagedServer;
let spa: RelyingParty;
let traditional: RelyingParty;
let user: TestUser;

beforeAll(async () => {
  Object.assign(server, { url: t.url, token: await managementToken(t) });
  [spa, traditional, user] = await Promise.all([createRelyingParty(server, 'SPA'), createRelyingParty(server, 'Traditional'), createUser(server)]);
});

const configFor = (rp: RelyingParty) => relyingPartyConfig(rp, t.config.issuer);

/** The whole browser round trip up to the callback URL: /oidc/auth → sign-in → finishInteraction → returnTo. */
async function signIn(rp: RelyingParty, scope: string, options: { jar?: CookieJar; accountId?: string; extra?: Record<string, string> } = {}) {
  const config = await configFor(rp);
  const jar = options.jar ?? new CookieJar();
  const request = await authorizationRequest(config, rp, scope, options.extra);
  const { uid, location } = await startSignIn(jar, request.url);
  const { redirectTo } = await finishInteraction(t.app.oidcProvider, uid, { accountId: options.accountId ?? user.id });
  const { location: callback } = await follow(jar, redirectTo);
  return { config, jar, request, uid, signInLocation: location, redirectTo, callback: callback! };
}

const callbackParams = (callback: string) => Object.fromEntries(new URL(callback).searchParams);

describe('authorization code with PKCE', () => {
  it('SPA: /oidc/auth → sign-in page with the interaction cookie → finishInteraction → code → tokens and userinfo', async () => {
    const config = await configFor(spa);
    const jar = new CookieJar();
    const request = await authorizationRequest(config, spa, 'openid profile email');
    const { uid, location } = await startSignIn(jar, request.url);
    expect(location).toBe(`/sign-in?uid=${uid}`);
    expect(jar.names()).toEqual(expect.arrayContaining(['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig']));

    const { redirectTo } = await finishInteraction(t.app.oidcProvider, uid, { accountId: user.id });
    expect(redirectTo).toBe(`${t.config.issuer}/auth/${uid}`);
    const { location: callback } = await follow(jar, redirectTo);
    expect(callback).toMatch(new RegExp(`^${spa.redirectUri}\\?code=`));
    expect(callbackParams(callback!)).toMatchObject({ state: request.state, iss: t.config.issuer });

    const tokens = await exchange(config, callback!, request);
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'openid profile email', expires_in: 3600 });
    expect(tokens.refresh_token).toBeUndefined(); // no offline_access
    expect(tokens.claims()).toMatchObject({ iss: t.config.issuer, aud: spa.id, sub: user.id, nonce: request.nonce });
    // Opaque (not a JWT): an access token for userinfo, not for an API.
    expect(tokens.access_token.split('.')).toHaveLength(1);

    const info = await client.fetchUserInfo(config, tokens.access_token, user.id);
    expect(info).toEqual({
      sub: user.id,
      name: user.name,
      username: user.username,
      updated_at: expect.any(Number),
      email: user.primaryEmail,
      email_verified: true,
    });
  });

  it('Traditional: client secret at the token endpoint, phone claims in E.164', async () => {
    const { config, request, callback } = await signIn(traditional, 'openid phone');
    const tokens = await exchange(config, callback, request);
    expect(tokens.claims()).toMatchObject({ iss: t.config.issuer, aud: traditional.id, sub: user.id, nonce: request.nonce });
    expect(await client.fetchUserInfo(config, tokens.access_token, user.id)).toEqual({
      sub: user.id,
      phone_number: `+${user.primaryPhone}`,
      phone_number_verified: true,
    });
    // the same code, the right verifier, but no client secret: refused
    const noSecret = await configFor({ ...traditional, secret: '' });
    await expect(exchange(noSecret, callback, request)).rejects.toMatchObject({ error: 'invalid_client' });
  });

  it('a signed-in browser gets a code for the next request without a new interaction (SSO)', async () => {
    const first = await signIn(spa, 'openid');
    await exchange(first.config, first.callback, first.request);
    const again = await authorizationRequest(first.config, spa, 'openid');
    const { location } = await follow(first.jar, again.url.href);
    expect(location).toMatch(new RegExp(`^${spa.redirectUri}\\?code=`));
    expect((await exchange(first.config, location!, again)).claims()?.sub).toBe(user.id);
  });

  it('more scopes for a signed-in browser: a new interaction, and finishInteraction extends the same grant', async () => {
    const fresh = await createUser(server);
    const first = await signIn(spa, 'openid', { accountId: fresh.id });
    await exchange(first.config, first.callback, first.request);
    const wider = await authorizationRequest(first.config, spa, 'openid email');
    const { uid } = await startSignIn(first.jar, wider.url); // consent is missing for email
    const { redirectTo } = await finishInteraction(t.app.oidcProvider, uid, { accountId: fresh.id });
    const { location } = await follow(first.jar, redirectTo);
    const tokens = await exchange(first.config, location!, wider);
    expect(tokens.scope).toBe('openid email');
    const grants = await t.db.query<{ payload: { openid: { scope: string } } }>(
      `SELECT payload FROM oidc_models WHERE kind = 'Grant' AND payload->>'accountId' = $1`,
      [fresh.id],
    );
    expect(grants.map((g) => g.payload.openid.scope)).toEqual(['openid email']);
  });

  it('the grant holds only the resource scopes the client may have', async () => {
    const fresh = await createUser(server); // so the grants below are the only ones of this user
    const { config, request, callback } = await signIn(spa, `openid otp all`, {
      accountId: fresh.id,
      extra: { resource: OTP_API_RESOURCE },
    });
    const grantOf = (clientId: string) =>
      t.db.query<{ payload: { resources?: Record<string, string>; openid?: { scope: string } } }>(
        `SELECT payload FROM oidc_models WHERE kind = 'Grant' AND payload->>'accountId' = $1 AND payload->>'clientId' = $2`,
        [fresh.id, clientId],
      );
    const [grant, other] = await grantOf(spa.id);
    expect(other).toBeUndefined();
    expect(grant!.payload.resources).toEqual({ [OTP_API_RESOURCE]: 'otp' });
    expect(grant!.payload.openid?.scope).toBe('openid');
    const tokens = await exchange(config, callback, request, { resource: OTP_API_RESOURCE });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ aud: OTP_API_RESOURCE, sub: fresh.id, scope: 'otp', client_id: spa.id });

    // an application without Management API access asking for `all` there is granted nothing
    const management = await signIn(traditional, 'openid all', { accountId: fresh.id, extra: { resource: MANAGEMENT_API_RESOURCE } });
    const [traditionalGrant] = await grantOf(traditional.id);
    expect(traditionalGrant!.payload).toMatchObject({ openid: { scope: 'openid' } });
    expect(traditionalGrant!.payload.resources).toBeUndefined();
    expect(callbackParams(management.callback).code).toBeTruthy();
  });
});

describe('what the provider refuses', () => {
  it('a redirect_uri that is not registered exactly: 400 invalid_redirect_uri, no redirect', async () => {
    const config = await configFor(spa);
    for (const redirect_uri of [`${spa.redirectUri}/`, `${spa.redirectUri}?x=1`, spa.redirectUri.replace('https:', 'http:'), 'https://evil.example.com/callback']) {
      const { url } = await authorizationRequest(config, spa, 'openid', { redirect_uri });
      const res = await browse(new CookieJar(), url.href);
      expect(res.status, redirect_uri).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_redirect_uri' });
    }
  });

  it('a public client without PKCE, or with plain PKCE: invalid_request back at the client', async () => {
    const config = await configFor(spa);
    const { url } = await authorizationRequest(config, spa, 'openid');
    const none = new URL(url);
    none.searchParams.delete('code_challenge');
    none.searchParams.delete('code_challenge_method');
    const plain = new URL(url);
    plain.searchParams.set('code_challenge', client.randomPKCECodeVerifier());
    plain.searchParams.set('code_challenge_method', 'plain');
    for (const [request, description] of [
      [none, /PKCE/],
      [plain, /code_challenge_method/],
    ] as const) {
      const res = await browse(new CookieJar(), request.href);
      expect(res.status).toBe(303);
      const location = res.headers.get('location')!;
      expect(location.startsWith(`${spa.redirectUri}?`)).toBe(true);
      expect(callbackParams(location)).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(description) });
    }
  });

  it('a wrong code_verifier is refused at the token endpoint', async () => {
    const { config, request, callback } = await signIn(spa, 'openid');
    await expect(exchange(config, callback, { ...request, codeVerifier: client.randomPKCECodeVerifier() })).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it('a replayed code: invalid_grant, and the tokens of the first exchange are revoked', async () => {
    const { config, request, callback } = await signIn(spa, 'openid email');
    const tokens = await exchange(config, callback, request);
    expect((await userinfo(config, tokens.access_token)).status).toBe(200);
    const code = callbackParams(callback).code!;
    const replay = await tokenRequest(config, spa, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: spa.redirectUri,
      code_verifier: request.codeVerifier,
    });
    expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const after = await userinfo(config, tokens.access_token);
    expect(after.status).toBe(401);
    expect(after.wwwAuthenticate).toContain('invalid_token');
  });

  // The code's row is read with its grant and session in one statement (adapter.ts); spending it is
  // still the adapter's check-and-set, so of parallel exchanges exactly one gets tokens.
  it('the same code exchanged six times at once: exactly one gets tokens, the rest invalid_grant', async () => {
    const { config, request, callback } = await signIn(spa, 'openid email');
    const body = { grant_type: 'authorization_code', code: callbackParams(callback).code!, redirect_uri: spa.redirectUri, code_verifier: request.codeVerifier };
    const results = await Promise.all(Array.from({ length: 6 }, () => tokenRequest(config, spa, body)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('finishInteraction for an unknown user ends the flow with access_denied at the client, not a code', async () => {
    const { callback, config, request } = await signIn(spa, 'openid', { accountId: 'nosuchuser00' });
    expect(callback.startsWith(`${spa.redirectUri}?`)).toBe(true);
    expect(callbackParams(callback)).toMatchObject({ error: 'access_denied', state: request.state });
    expect(callbackParams(callback).code).toBeUndefined();
    await expect(exchange(config, callback, request)).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('a suspended user is no account: access_denied at sign-in, and its tokens stop working', async () => {
    const suspended = await createUser(server);
    const before = await signIn(spa, 'openid', { accountId: suspended.id });
    const tokens = await exchange(before.config, before.callback, before.request);
    const res = await fetch(`${t.url}/api/users/${suspended.id}/is-suspended`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ isSuspended: true }),
    });
    expect(res.status).toBe(200);
    expect((await userinfo(before.config, tokens.access_token)).status).toBe(401);
    const after = await signIn(spa, 'openid', { accountId: suspended.id });
    expect(callbackParams(after.callback)).toMatchObject({ error: 'access_denied' });
  });

  it('finishInteraction for an unknown or already used interaction throws SessionNotFound', async () => {
    await expect(finishInteraction(t.app.oidcProvider, 'no-such-interaction', { accountId: user.id })).rejects.toMatchObject({
      name: 'SessionNotFound',
      message: 'invalid_request',
    });
    const { uid } = await signIn(spa, 'openid');
    // the provider deletes the interaction once the browser came back through returnTo
    await expect(finishInteraction(t.app.oidcProvider, uid, { accountId: user.id })).rejects.toMatchObject({ name: 'SessionNotFound' });
  });

  it('returnTo without the resume cookie (another browser) is refused', async () => {
    const config = await configFor(spa);
    const request = await authorizationRequest(config, spa, 'openid');
    const { uid } = await startSignIn(new CookieJar(), request.url);
    const { redirectTo } = await finishInteraction(t.app.oidcProvider, uid, { accountId: user.id });
    const res = await browse(new CookieJar(), redirectTo);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

// OIDC Core 11: offline_access counts only with prompt=consent (as Logto's SDKs send it); without it
// the provider drops the scope and issues no refresh token.
const offline = { prompt: 'consent' };

describe('refresh tokens', () => {
  it('offline_access without prompt=consent is ignored: no refresh token', async () => {
    const { config, request, callback } = await signIn(spa, 'openid offline_access');
    const tokens = await exchange(config, callback, request);
    expect(tokens.scope).toBe('openid');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('rotated on every use; reusing a rotated one revokes the whole grant', async () => {
    const { config, request, callback } = await signIn(spa, 'openid offline_access email', { extra: offline });
    const tokens = await exchange(config, callback, request);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope).toBe('openid offline_access email');

    const second = await client.refreshTokenGrant(config, tokens.refresh_token!);
    const third = await client.refreshTokenGrant(config, second.refresh_token!);
    const chain = [tokens.refresh_token, second.refresh_token, third.refresh_token];
    expect(new Set(chain).size).toBe(3);
    expect(third.claims()).toMatchObject({ sub: user.id, aud: spa.id });
    expect((await userinfo(config, third.access_token)).body).toMatchObject({ sub: user.id, email: user.primaryEmail });

    // the first token was rotated: presenting it again is a replay
    const reuse = await tokenRequest(config, spa, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! });
    expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    // … which revoked the grant: the newest refresh token and the access tokens die with it
    await expect(client.refreshTokenGrant(config, third.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    expect((await userinfo(config, third.access_token)).status).toBe(401);
    expect((await userinfo(config, tokens.access_token)).status).toBe(401);
  });

  it('the same refresh token spent twice at once: exactly one new token (the adapter marks it consumed check-and-set)', async () => {
    const { config, request, callback } = await signIn(spa, 'openid offline_access', { extra: offline });
    const tokens = await exchange(config, callback, request);
    const body = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! };
    const results = await Promise.all(Array.from({ length: 6 }, () => tokenRequest(config, spa, body)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((x) => x.status !== 200)) expect(r).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('a Traditional client refreshes with its secret; another client cannot use the token', async () => {
    const { config, request, callback } = await signIn(traditional, 'openid offline_access', { extra: offline });
    const tokens = await exchange(config, callback, request);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const stolen = await tokenRequest(await configFor(spa), spa, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token! });
    expect(stolen).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect((await client.refreshTokenGrant(config, refreshed.refresh_token!)).access_token).toBeTruthy();
  });
});

describe('RP-initiated logout', () => {
  it('ends at the registered post_logout_redirect_uri, and the next authorization needs a new sign-in', async () => {
    const { config, jar, request, callback } = await signIn(spa, 'openid');
    const tokens = await exchange(config, callback, request);
    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: spa.postLogoutRedirectUri,
      state: 'bye',
    });
    expect(endSession.href.startsWith(`${t.config.issuer}/session/end?`)).toBe(true);
    expect(await signOut(jar, endSession)).toEqual({ status: 303, location: `${spa.postLogoutRedirectUri}?state=bye` });
    expect(jar.names()).not.toContain('_session');
    // the access token lived with the session (no offline_access)
    expect((await userinfo(config, tokens.access_token)).status).toBe(401);

    const again = await authorizationRequest(config, spa, 'openid');
    const { location } = await follow(jar, again.url.href);
    expect(location).toMatch(/\/sign-in\?uid=/);
  });

  it('an unregistered post_logout_redirect_uri is refused', async () => {
    const { config, jar, request, callback } = await signIn(spa, 'openid');
    const tokens = await exchange(config, callback, request);
    const endSession = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: 'https://evil.example.com/signed-out',
    });
    const res = await browse(jar, endSession.href);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});
