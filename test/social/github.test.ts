// The GitHub social connector through whole authorizations against a loopback server playing GitHub's
// OAuth endpoints and REST API: authorization URI (state, PKCE S256) → login → callback → the user, with
// the email only when GitHub says it is verified. Each refusal is next to the same flow succeeding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SocialConnectors } from '../../src/domain/social/types.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGithubIdp, type GithubIdp, type GithubUser } from '../helpers/github-idp.ts';
import { authorizeAt, createSocialConnector, newState, socialConnectorsOf } from '../helpers/social.ts';
import { managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let gh: GithubIdp;
let connectors: SocialConnectors;
let connectorId: string;
let octo: GithubUser;

beforeAll(async () => {
  gh = await startGithubIdp();
  t = await startTestApp();
  const app = gh.addClient();
  octo = gh.addUser({
    login: 'octo',
    name: 'Octo Cat',
    avatar_url: 'https://avatars.example.test/octo',
    email: 'public@octo.test',
    emails: [
      { email: 'unverified@octo.test', verified: false, primary: false },
      { email: 'octo@octo.test', verified: true, primary: true },
    ],
  });
  const token = await managementToken(t);
  ({ id: connectorId } = await createSocialConnector(t, token, 'github-universal', { ...app, ...gh.endpoints }));
  connectors = socialConnectorsOf(t);
});
afterAll(async () => {
  await t?.close();
  await gh?.close();
});

const authorize = (user: GithubUser) => authorizeAt(connectors, connectorId, (uri) => gh.login(uri, user.id));

describe('GitHub social connector', () => {
  it('signs in with state and PKCE S256; the primary verified email back', async () => {
    const { connector, uri, session, params } = await authorize(octo);
    expect(connector).toMatchObject({ target: 'github', factoryId: 'github-universal' });
    expect(uri.searchParams.get('state')).toBe(session.state);
    expect(uri.searchParams.get('code_challenge_method')).toBe('S256');
    expect(uri.searchParams.get('scope')).toBe('read:user user:email');
    const user = await connector.userInfo(session, params);
    expect(user).toMatchObject({ id: String(octo.id), email: 'octo@octo.test', name: 'Octo Cat', avatar: 'https://avatars.example.test/octo' });
    expect(JSON.stringify(user.rawData)).not.toContain('gho_');
  });

  it('uses a verified email only: none when GitHub verified none (not even the public one)', async () => {
    const shy = gh.addUser({ login: 'shy', email: 'shy@public.test', emails: [{ email: 'shy@octo.test', verified: false, primary: true }] });
    const { connector, session, params } = await authorize(shy);
    const user = await connector.userInfo(session, params);
    expect(user.id).toBe(String(shy.id));
    expect(user).not.toHaveProperty('email');
  });

  it('takes a verified secondary email when the primary one is not verified', async () => {
    const user2 = gh.addUser({ login: 'two', emails: [{ email: 'p@two.test', verified: false, primary: true }, { email: 's@two.test', verified: true, primary: false }] });
    const { connector, session, params } = await authorize(user2);
    expect((await connector.userInfo(session, params)).email).toBe('s@two.test');
  });

  it('refuses a callback whose state is not the session’s', async () => {
    const { connector, session, params } = await authorize(octo);
    await expect(connector.userInfo(session, { ...params, state: newState() })).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid', status: 401 });
    expect((await connector.userInfo(session, params)).id).toBe(String(octo.id));
  });

  it('refuses a code used twice', async () => {
    const { connector, session, params } = await authorize(octo);
    expect((await connector.userInfo(session, params)).id).toBe(String(octo.id));
    await expect(connector.userInfo(session, params)).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
  });

  it('refuses a code exchanged without its PKCE verifier', async () => {
    const { connector, session, params } = await authorize(octo);
    await expect(connector.userInfo({ ...session, codeVerifier: 'x'.repeat(43) }, params)).rejects.toMatchObject({ code: 'connector.social_auth_code_invalid' });
  });

  it('refuses a session of another connector', async () => {
    const { connector, session, params } = await authorize(octo);
    await expect(connector.userInfo({ ...session, connectorId: 'another' }, params)).rejects.toMatchObject({ code: 'session.connector_validation_session_not_found' });
  });
});
