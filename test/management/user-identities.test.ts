// The Management API's identities routes (management-core-api.md §3 "Identities") over HTTP: every
// status and code, the link through a Social connector (a loopback GitHub-like IdP), the audit rows,
// and concurrent links of one provider account racing for different users (one wins, on both drivers).
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startGithubIdp, type GithubIdp } from '../helpers/github-idp.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { createSocialConnector, REDIRECT_URI } from '../helpers/social.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let gh: GithubIdp;
let oidc: OidcIdp;
let token: string;
let github: { id: string; target: string };
let oidcConnector: { id: string; target: string };

beforeAll(async () => {
  gh = await startGithubIdp();
  oidc = await startOidcIdp();
  t = await startTestApp();
  token = await managementToken(t);
  github = await createSocialConnector(t, token, 'github-universal', { ...gh.addClient(), ...gh.endpoints });
  const client = oidc.addClient({ redirectUris: [REDIRECT_URI] });
  oidcConnector = await createSocialConnector(t, token, 'oidc', { ...client, scope: 'email', issuer: oidc.issuer });
});
afterAll(async () => {
  await t?.close();
  await gh?.close();
  await oidc?.close();
});

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);
const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
const newUser = async () => (await api('POST', '/api/users', { username: `u_${crypto.randomBytes(5).toString('hex')}` })).body as { id: string };

/** A code from the GitHub-like IdP for an authorization Verity did not start (no state, no PKCE). */
async function githubCode(userId: number): Promise<string> {
  const { clientId } = ((await api('GET', `/api/connectors/${github.id}`)).body as { config: { clientId: string } }).config;
  const url = new URL(gh.endpoints.authorizationEndpoint);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', REDIRECT_URI);
  return (await gh.login(url.href, userId)).params.code!;
}

describe('PUT /api/users/{userId}/identities/{target}', () => {
  it('201 for a new target, 200 when replaced; the identities map back', async () => {
    const user = await newUser();
    const target = unique('put');
    const first = await api('PUT', `/api/users/${user.id}/identities/${target}`, { userId: 'p-1', details: { email: 'a@p.test' } });
    expect(first).toMatchObject({ status: 201, body: { [target]: { userId: 'p-1', details: { email: 'a@p.test' } } } });
    const again = await api('PUT', `/api/users/${user.id}/identities/${target}`, { userId: 'p-2' });
    expect(again.status).toBe(200);
    expect(again.body[target]).toEqual({ userId: 'p-2' });
    expect((await api('GET', `/api/users/${user.id}`)).body.identities).toEqual({ [target]: { userId: 'p-2' } });
  });

  it('422 user.identity_already_in_use when another user holds that provider account', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const target = unique('held');
    expect((await api('PUT', `/api/users/${a.id}/identities/${target}`, { userId: 'same' })).status).toBe(201);
    expect(await api('PUT', `/api/users/${b.id}/identities/${target}`, { userId: 'same' })).toMatchObject({ status: 422, body: { code: 'user.identity_already_in_use' } });
    expect((await api('PUT', `/api/users/${b.id}/identities/${target}`, { userId: 'other' })).status).toBe(201);
    // The holder itself may put it again.
    expect((await api('PUT', `/api/users/${a.id}/identities/${target}`, { userId: 'same', details: { n: 1 } })).status).toBe(200);
  });

  it('404 entity.not_found for an unknown user; 400 guard.invalid_input without userId', async () => {
    expect(await api('PUT', `/api/users/nobody/identities/x`, { userId: 'p' })).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    const user = await newUser();
    expect(await api('PUT', `/api/users/${user.id}/identities/x`, { details: {} })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
  });
});

describe('POST /api/users/{userId}/identities', () => {
  it('links the provider’s user under the connector’s target (GitHub: no session needed)', async () => {
    const user = await newUser();
    const octo = gh.addUser({ login: 'linked', name: 'Linked', emails: [{ email: 'l@gh.test', verified: true, primary: true }] });
    const res = await api('POST', `/api/users/${user.id}/identities`, { connectorId: github.id, connectorData: { code: await githubCode(octo.id), redirectUri: REDIRECT_URI } });
    expect(res).toMatchObject({ status: 200, body: { github: { userId: String(octo.id), details: { id: String(octo.id), email: 'l@gh.test', name: 'Linked' } } } });
    expect(JSON.stringify(res.body)).not.toContain('gho_');
  });

  it('401 connector.social_auth_code_invalid for a used code; 422 user.identity_already_in_use for an account another user has', async () => {
    const [a, b] = [await newUser(), await newUser()];
    const octo = gh.addUser({ login: 'twice', emails: [] });
    const code = await githubCode(octo.id);
    expect((await api('POST', `/api/users/${a.id}/identities`, { connectorId: github.id, connectorData: { code, redirectUri: REDIRECT_URI } })).status).toBe(200);
    expect(await api('POST', `/api/users/${b.id}/identities`, { connectorId: github.id, connectorData: { code, redirectUri: REDIRECT_URI } })).toMatchObject({
      status: 401, body: { code: 'connector.social_auth_code_invalid' },
    });
    const fresh = await githubCode(octo.id);
    expect(await api('POST', `/api/users/${b.id}/identities`, { connectorId: github.id, connectorData: { code: fresh, redirectUri: REDIRECT_URI } })).toMatchObject({
      status: 422, body: { code: 'user.identity_already_in_use' },
    });
  });

  it('422 session.invalid_connector_id for a non-social connector; 404 for an unknown connector or user', async () => {
    const user = await newUser();
    const sms = ((await api('GET', '/api/connectors')).body as Array<{ id: string; type: string }>).find((c) => c.type === 'Sms')!;
    expect(await api('POST', `/api/users/${user.id}/identities`, { connectorId: sms.id, connectorData: { code: 'x' } })).toMatchObject({
      status: 422, body: { code: 'session.invalid_connector_id', data: { connectorId: sms.id } },
    });
    expect(await api('POST', `/api/users/${user.id}/identities`, { connectorId: 'no-such-connector', connectorData: {} })).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect(await api('POST', `/api/users/nobody/identities`, { connectorId: github.id, connectorData: {} })).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
  });

  it('400 session.connector_validation_session_not_found where the connector needs a session (OIDC; GitHub without redirectUri)', async () => {
    const user = await newUser();
    expect(await api('POST', `/api/users/${user.id}/identities`, { connectorId: oidcConnector.id, connectorData: { code: 'x', state: 'y' } })).toMatchObject({
      status: 400, body: { code: 'session.connector_validation_session_not_found' },
    });
    expect(await api('POST', `/api/users/${user.id}/identities`, { connectorId: github.id, connectorData: { code: 'x' } })).toMatchObject({
      status: 400, body: { code: 'session.connector_validation_session_not_found' },
    });
  });
});

describe('DELETE /api/users/{userId}/identities/{target}', () => {
  it('200 with the user without it; 404 user.identity_not_exist after; 404 entity.not_found for an unknown user', async () => {
    const user = await newUser();
    const [keep, drop] = [unique('keep'), unique('drop')];
    await api('PUT', `/api/users/${user.id}/identities/${keep}`, { userId: 'k' });
    await api('PUT', `/api/users/${user.id}/identities/${drop}`, { userId: 'd' });
    const res = await api('DELETE', `/api/users/${user.id}/identities/${drop}`);
    expect(res).toMatchObject({ status: 200, body: { id: user.id, identities: { [keep]: { userId: 'k' } } } });
    expect(res.body.identities).not.toHaveProperty(drop);
    expect(await api('DELETE', `/api/users/${user.id}/identities/${drop}`)).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect(await api('DELETE', `/api/users/nobody/identities/${keep}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    // The provider account is free again for another user.
    const other = await newUser();
    expect((await api('PUT', `/api/users/${other.id}/identities/${drop}`, { userId: 'd' })).status).toBe(201);
  });
});

describe('audit and concurrency', () => {
  it('audits each link and unlink with the target', async () => {
    const user = await newUser();
    const target = unique('audited');
    await api('PUT', `/api/users/${user.id}/identities/${target}`, { userId: 'au' });
    await api('DELETE', `/api/users/${user.id}/identities/${target}`);
    for (const key of ['User.Identity.Create', 'User.Identity.Delete']) {
      const logs = (await api('GET', `/api/logs?userId=${user.id}&logKey=${key}`)).body as Array<{ payload: Record<string, unknown> }>;
      expect(logs.map((l) => l.payload)).toEqual([expect.objectContaining({ key, result: 'Success', userId: user.id, method: target })]);
    }
  });

  it('concurrent links of one provider account to different users: exactly one wins', async () => {
    const users = await Promise.all(Array.from({ length: 6 }, () => newUser()));
    const target = unique('race');
    const results = await Promise.all(users.map((u) => api('PUT', `/api/users/${u.id}/identities/${target}`, { userId: 'contested' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.code === 'user.identity_already_in_use')).toBe(true);
    expect(results.filter((r) => r.status === 422)).toHaveLength(5);
    const rows = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE identities ? $1`, [target]);
    expect(rows[0]?.n).toBe(1);
  });
});
