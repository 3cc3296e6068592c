// The generic OIDC social connector through whole authorizations against a loopback oidc-provider IdP:
// authorization URI (state, PKCE S256, nonce) → login at the IdP → callback → the provider's user.
// Each refusal (wrong state, reused code, ID token with a wrong aud / iss / nonce, expired, signed by an
// unknown key; an unverified email) is next to the same flow succeeding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocialConnectors } from '../../src/domain/social/types.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startOidcIdp, type IdpAccount, type IdpClient, type OidcIdp } from '../helpers/oidc-idp.ts';
import { authorizeAt, createSocialConnector, newState, REDIRECT_URI, socialConnectorsOf } from '../helpers/social.ts';
import { managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let idp: OidcIdp;
let client: IdpClient;
let connectors: SocialConnectors;
let connectorId: string;
let verified: IdpAccount;
let unverified: IdpAccount;

beforeAll(async () => {
  idp = await startOidcIdp();
  t = await startTestApp();
  client = idp.addClient({ redirectUris: [REDIRECT_URI] });
  verified = idp.addAccount({ email: 'ada@idp.test', email_verified: true, name: 'Ada', picture: 'https://idp.test/ada.png' });
  unverified = idp.addAccount({ email: 'bob@idp.test', email_verified: false, name: 'Bob' });
  const token = await managementToken(t);
  ({ id: connectorId } = await createSocialConnector(t, token, 'oidc', { clientId: client.clientId, clientSecret: client.clientSecret, scope: 'profile email', issuer: idp.issuer }));
  connectors = socialConnectorsOf(t);
});
afterAll(async () => {
  await t?.close();
  await idp?.close();
});

/** One whole authorization up to the callback. */
const authorize = (account: IdpAccount, store = connectors) => authorizeAt(store, connectorId, (uri) => idp.login(uri, account.sub));

describe('OIDC social connector', () => {
  it('signs in: state, PKCE S256 and nonce on the request; the verified user back', async () => {
    const { connector, uri, session, params } = await authorize(verified);
    expect(uri.searchParams.get('state')).toBe(session.state);
    expect(uri.searchParams.get('code_challenge_method')).toBe('S256');
    expect(uri.searchParams.get('code_challenge')).toBeTruthy();
    expect(uri.searchParams.get('nonce')).toBe(session.nonce);
    expect(uri.searchParams.get('scope')?.split(' ')).toContain('openid');
    expect(connector.target).toMatch(/^oidc-/);
    const user = await connector.userInfo(session, params);
    expect(user).toMatchObject({ id: verified.sub, email: 'ada@idp.test', name: 'Ada', avatar: 'https://idp.test/ada.png' });
    expect(user.rawData).not.toHaveProperty('nonce');
  });

  it('leaves out an email the IdP did not verify', async () => {
    const { connector, session, params } = await authorize(unverified);
    const user = await connector.userInfo(session, params);
    expect(user.id).toBe(unverified.sub);
    expect(user.name).toBe('Bob');
    expect(user).not.toHaveProperty('email');
  });

  it('refuses a callback whose state is not the session’s', async () => {
    const { connector, session, params } = await authorize(verified);
    await expect(connector.userInfo(session, { ...params, state: newState() })).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid', status: 401 });
    expect((await connector.userInfo(session, params)).id).toBe(verified.sub);
  });

  it('refuses a callback without a session', async () => {
    const { connector, params } = await authorize(verified);
    await expect(connector.userInfo(undefined, params)).rejects.toMatchObject({ code: 'session.connector_validation_session_not_found' });
  });

  it('refuses a code used twice', async () => {
    const { connector, session, params } = await authorize(verified);
    expect((await connector.userInfo(session, params)).id).toBe(verified.sub);
    await expect(connector.userInfo(session, params)).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
  });

  it('refuses an error answer from the IdP', async () => {
    const { connector, session } = await authorize(verified);
    await expect(connector.userInfo(session, { error: 'access_denied', state: session.state })).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
  });

  describe.each([
    ['a wrong aud', { aud: 'someone-else' }],
    ['a wrong iss', { iss: 'https://evil.example.test' }],
    ['a wrong nonce', { nonce: 'not-the-nonce' }],
    ['an expired ID token', { expired: true }],
    ['a signature by an unknown key', { foreignKey: true }],
  ])('refuses %s', (_name, how) => {
    it('and accepts the same flow unspoiled', async () => {
      const bad = await authorize(verified);
      idp.misbehave(how);
      try {
        await expect(bad.connector.userInfo(bad.session, bad.params)).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
      } finally {
        idp.misbehave(null);
      }
      const good = await authorize(verified);
      expect((await good.connector.userInfo(good.session, good.params)).id).toBe(verified.sub);
    });
  });

  it('tolerates clock skew up to the configured bound, not beyond', async () => {
    // The ID token expired 30 s ago: within a 60 s skew it is accepted, with none it is refused.
    const lenient = socialConnectorsOf(t, { clockSkewSeconds: 60 });
    const strict = socialConnectorsOf(t, { clockSkewSeconds: 0 });
    idp.misbehave({ expiredSecondsAgo: 30 });
    try {
      for (const [store, accepted] of [[lenient, true], [strict, false]] as const) {
        const { connector, session, params } = await authorize(verified, store);
        const result = connector.userInfo(session, params);
        if (accepted) expect((await result).id).toBe(verified.sub);
        else await expect(result).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
      }
    } finally {
      idp.misbehave(null);
    }
  });
});
