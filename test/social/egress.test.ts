// Social connectors reach identity providers only through the egress module: an IdP on an address the
// policy refuses is never connected to, one that answers too slowly or too much fails with
// connector.general, each next to the same flow succeeding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGithubIdp, type GithubIdp, type GithubUser } from '../helpers/github-idp.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { authorizeAt, createSocialConnector, found, newState, REDIRECT_URI, socialConnectorsOf } from '../helpers/social.ts';
import { managementToken } from '../helpers/tokens.ts';

const IDP_NAME = 'github-idp.test';
let idpAddress = '127.0.0.1';
let t: TestApp;
let gh: GithubIdp;
let oidc: OidcIdp;
let githubId: string;
let oidcId: string;
let user: GithubUser;

beforeAll(async () => {
  gh = await startGithubIdp();
  oidc = await startOidcIdp();
  // Production's policy: loopback is refused except 127.0.0.1, and the IdP's name resolves to what the test says.
  t = await startTestApp({ strictEgress: { allow: ['127.0.0.1/32'], names: { [IDP_NAME]: () => idpAddress } } });
  const token = await managementToken(t);
  const named = Object.fromEntries(Object.entries(gh.endpoints).map(([key, url]) => [key, url.replace('127.0.0.1', IDP_NAME)]));
  ({ id: githubId } = await createSocialConnector(t, token, 'github-universal', { ...gh.addClient(), ...named }));
  const client = oidc.addClient({ redirectUris: [REDIRECT_URI] });
  ({ id: oidcId } = await createSocialConnector(t, token, 'oidc', { ...client, scope: 'email', issuer: oidc.issuer }));
  user = gh.addUser({ login: 'egress', emails: [{ email: 'e@egress.test', verified: true, primary: true }] });
});
afterAll(async () => {
  await t?.close();
  await gh?.close();
  await oidc?.close();
});

/** A GitHub authorization up to the callback, with these limits. */
const githubCallback = (limits: Parameters<typeof socialConnectorsOf>[1] = {}) =>
  // The browser reaches the IdP by its loopback address; only the server's requests go through egress.
  authorizeAt(socialConnectorsOf(t, limits), githubId, (uri) => gh.login(uri.replace(IDP_NAME, '127.0.0.1'), user.id));

describe('social connectors and the egress policy', () => {
  it('never connects to an IdP whose name now resolves to a refused address', async () => {
    // First in the file: no pooled connection to the IdP exists yet, so the name is resolved afresh.
    const bad = await githubCallback();
    idpAddress = '127.0.0.2';
    try {
      await expect(bad.connector.userInfo(bad.session, bad.params)).rejects.toMatchObject({ code: 'connector.general', data: { message: expect.stringContaining('not allowed') } });
    } finally {
      idpAddress = '127.0.0.1';
    }
    expect(gh.requests('/login/oauth/access_token')).toBe(0);
    const good = await githubCallback();
    expect((await good.connector.userInfo(good.session, good.params)).email).toBe('e@egress.test');
    expect(gh.requests('/login/oauth/access_token')).toBe(1);
  });

  it('gives up on an IdP that does not answer in time', async () => {
    const good = await githubCallback({ timeoutMs: 300 });
    expect((await good.connector.userInfo(good.session, good.params)).id).toBe(String(user.id));
    const bad = await githubCallback({ timeoutMs: 300 });
    gh.misbehave({ hang: true });
    try {
      await expect(bad.connector.userInfo(bad.session, bad.params)).rejects.toMatchObject({ code: 'connector.general', data: { message: expect.stringContaining('timed out') } });
    } finally {
      gh.misbehave(null);
    }
  });

  it('refuses an answer larger than the cap', async () => {
    gh.misbehave({ huge: 1000 });
    try {
      const good = await githubCallback({ maxBytes: 64 * 1024 });
      expect((await good.connector.userInfo(good.session, good.params)).id).toBe(String(user.id));
      gh.misbehave({ huge: 256 * 1024 });
      const bad = await githubCallback({ maxBytes: 64 * 1024 });
      await expect(bad.connector.userInfo(bad.session, bad.params)).rejects.toMatchObject({ code: 'connector.general', data: { message: expect.stringContaining('larger than') } });
    } finally {
      gh.misbehave(null);
    }
  });

  it('reads OIDC discovery through the same caps', async () => {
    const start = (maxBytes: number) => found(socialConnectorsOf(t, { maxBytes }), oidcId).then((c) => c.authorizationUri({ state: newState(), redirectUri: REDIRECT_URI }));
    expect((await start(64 * 1024)).uri).toContain(`${oidc.issuer}/auth`);
    await expect(start(100)).rejects.toMatchObject({ code: 'connector.general', data: { message: expect.stringContaining('larger than') } });
  });

  it('sends openid-client’s requests (token, JWKS) through the same caps', async () => {
    const account = oidc.addAccount({ email: 'o@egress.test', email_verified: true });
    const run = async () => {
      const { connector, session, params } = await authorizeAt(socialConnectorsOf(t, { maxBytes: 32 * 1024 }), oidcId, (uri) => oidc.login(uri, account.sub));
      return connector.userInfo(session, params);
    };
    expect((await run()).email).toBe('o@egress.test');
    oidc.misbehave({ padTokenResponse: 64 * 1024 });
    try {
      await expect(run()).rejects.toMatchObject({ code: 'connector.general', data: { message: expect.stringContaining('larger than') } });
    } finally {
      oidc.misbehave(null);
    }
  });
});
