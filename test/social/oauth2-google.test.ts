// The generic OAuth 2.0 connector (against the loopback GitHub-like server, through a profile map) and
// the Google preset (OIDC against the loopback oidc-provider IdP) through whole authorizations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleConnector } from '../../src/domain/social/google.ts';
import type { SocialConnectors } from '../../src/domain/social/types.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGithubIdp, type GithubIdp } from '../helpers/github-idp.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { authorizeAt, createSocialConnector, found, REDIRECT_URI, socialConnectorsOf } from '../helpers/social.ts';
import { managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let gh: GithubIdp;
let idp: OidcIdp;
let token: string;
let connectors: SocialConnectors;

beforeAll(async () => {
  gh = await startGithubIdp();
  idp = await startOidcIdp();
  t = await startTestApp();
  token = await managementToken(t);
  connectors = socialConnectorsOf(t);
});
afterAll(async () => {
  await t?.close();
  await gh?.close();
  await idp?.close();
});

describe('generic OAuth 2.0 connector', () => {
  async function oauth2(profileMap: Record<string, string>) {
    const { authorizationEndpoint, tokenEndpoint, userInfoEndpoint } = gh.endpoints;
    const config = { ...gh.addClient(), authorizationEndpoint, tokenEndpoint, userInfoEndpoint, scope: 'profile', profileMap, customConfig: { audience: 'x' } };
    return createSocialConnector(t, token, 'oauth2', config);
  }

  it('maps the profile; the email only when the mapped verified flag is true', async () => {
    const verified = gh.addUser({ login: 'mapped', name: 'Map Ped', email: 'm@map.test', emails: [], extra: { profile: { verified: true } } });
    const unverified = gh.addUser({ login: 'unmapped', email: 'u@map.test', emails: [], extra: { profile: { verified: false } } });
    const withFlag = await oauth2({ avatar: 'avatar_url', emailVerified: 'profile.verified' });
    const withoutFlag = await oauth2({ avatar: 'avatar_url' });
    const run = async (connectorId: string, userId: number) => {
      const { connector, uri, session, params } = await authorizeAt(connectors, connectorId, (u) => gh.login(u, userId));
      expect(uri.searchParams.get('audience')).toBe('x');
      expect(uri.searchParams.get('code_challenge_method')).toBe('S256');
      return connector.userInfo(session, params);
    };
    expect(await run(withFlag.id, verified.id)).toMatchObject({ id: String(verified.id), email: 'm@map.test', name: 'Map Ped' });
    expect(await run(withFlag.id, unverified.id)).not.toHaveProperty('email');
    expect(await run(withoutFlag.id, verified.id)).not.toHaveProperty('email');
    expect((await found(connectors, withFlag.id)).target).toBe(withFlag.target);
  });

  it('refuses a wrong state and a reused code', async () => {
    const user = gh.addUser({ login: 'again', emails: [] });
    const { id } = await oauth2({});
    const { connector, session, params } = await authorizeAt(connectors, id, (uri) => gh.login(uri, user.id));
    await expect(connector.userInfo(session, { ...params, state: 'other' })).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
    expect((await connector.userInfo(session, params)).id).toBe(String(user.id));
    await expect(connector.userInfo(session, params)).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
  });
});

describe('Google connector', () => {
  it('signs in over OIDC with the issuer overridden; email only when verified', async () => {
    const client = idp.addClient({ redirectUris: [REDIRECT_URI] });
    const { id, target } = await createSocialConnector(t, token, 'google-universal', { ...client, issuer: idp.issuer, prompts: ['consent'] });
    expect(target).toBe('google');
    const verified = idp.addAccount({ email: 'g@gmail.test', email_verified: true, name: 'Gee', picture: 'https://g.test/p.png' });
    const unverified = idp.addAccount({ email: 'h@gmail.test', email_verified: false });
    const run = async (sub: string) => {
      const { connector, uri, session, params } = await authorizeAt(connectors, id, (u) => idp.login(u, sub));
      expect(uri.searchParams.get('scope')).toBe('openid profile email');
      expect(uri.searchParams.get('prompt')).toBe('consent');
      expect(uri.searchParams.get('nonce')).toBe(session.nonce);
      return connector.userInfo(session, params);
    };
    expect(await run(verified.sub)).toMatchObject({ id: verified.sub, email: 'g@gmail.test', name: 'Gee', avatar: 'https://g.test/p.png' });
    expect(await run(unverified.sub)).not.toHaveProperty('email');
  });

  it('uses Google’s own endpoints when no issuer is configured', async () => {
    // Only one Google instance may be stored (the one above): this one is built directly.
    const connector = googleConnector({ egress: t.egress, timeoutMs: 1000, maxBytes: 1024, clockSkewSeconds: 60 }, { id: 'g', factoryId: 'google-universal', target: 'google', syncProfile: false }, { clientId: 'cid', clientSecret: 'cs' });
    const { uri } = await connector.authorizationUri({ state: 's', redirectUri: REDIRECT_URI });
    expect(uri.startsWith('https://accounts.google.com/o/oauth2/v2/auth?')).toBe(true);
    expect(new URL(uri).searchParams.has('prompt')).toBe(false);
  });
});
