// The OIDC provider seen by a real client library: discovery, JWKS, client credentials for the
// Management API resource, and every way a bearer token can be refused by the Management API.
import { describe, expect, it } from 'vitest';
import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader } from 'jose';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import { useTestApp } from '../helpers/app.ts';
import { discover, forgeToken, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();

const send = (token: string | null, body: unknown = { phone: '12125550100' }, scheme = 'Bearer') =>
  fetch(`${t.url}/api/verification-codes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `${scheme} ${token}` }) },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));

describe('discovery and client credentials', () => {
  it('issues an ES384 JWT for the Management API with scope all', async () => {
    const { clientId, clientSecret } = await t.newClient();
    const config = await discover(t, clientId, clientSecret);
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(t.config.issuer);
    expect(meta.token_endpoint).toBe(`${t.config.issuer}/token`);
    expect(meta.grant_types_supported).toContain('client_credentials');
    const tokens = await client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' });
    expect(tokens).toMatchObject({ token_type: 'bearer', scope: 'all', expires_in: 3600 });
    expect(decodeProtectedHeader(tokens.access_token)).toMatchObject({ alg: 'ES384', typ: 'at+jwt' });
    const { payload } = await jwtVerify(tokens.access_token, createRemoteJWKSet(new URL(meta.jwks_uri!)), {
      issuer: t.config.issuer,
      audience: MANAGEMENT_API_RESOURCE,
    });
    expect(payload).toMatchObject({ sub: clientId, client_id: clientId, scope: 'all' });
    expect((await send(tokens.access_token)).status).toBe(204);
  });

  it('accepts the secret in the body as well as in the Basic header', async () => {
    const { clientId, clientSecret } = await t.newClient();
    const res = await fetch(`${t.config.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, resource: MANAGEMENT_API_RESOURCE, scope: 'all' }),
    });
    expect(res.status).toBe(200);
  });

  it('refuses a wrong secret, an unknown client and an unknown resource', async () => {
    const { clientId, clientSecret } = await t.newClient();
    const token = (body: Record<string, string>, auth: string) =>
      fetch(`${t.config.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', ...body }),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    expect(await token({ resource: MANAGEMENT_API_RESOURCE }, `${clientId}:wrong`)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await token({ resource: MANAGEMENT_API_RESOURCE }, `nobody:${clientSecret}`)).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(await token({ resource: 'https://elsewhere.example/api' }, `${clientId}:${clientSecret}`)).toMatchObject({
      status: 400,
      body: { error: 'invalid_target' },
    });
  });

  it('stores client secrets only as digests', async () => {
    const { clientId, clientSecret } = await t.newClient();
    const [row] = await t.db.query<{ secret_hash: string }>('SELECT secret_hash FROM applications WHERE id = $1', [clientId]);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.secret_hash).not.toContain(clientSecret);
  });
});

describe('Management API bearer checks', () => {
  it('no header → 401 auth.authorization_header_missing', async () => {
    expect(await send(null)).toMatchObject({ status: 401, body: { code: 'auth.authorization_header_missing' } });
  });

  it('another scheme → 401 auth.authorization_token_type_not_supported', async () => {
    expect(await send('dXNlcjpwYXNz', undefined, 'Basic')).toMatchObject({
      status: 401,
      body: { code: 'auth.authorization_token_type_not_supported' },
    });
  });

  it('garbage, expired, wrong audience, wrong issuer and foreign signature → 401 auth.unauthorized', async () => {
    const { clientId } = await t.newClient();
    // control: the same forging with nothing wrong is accepted, so each refusal below is for its one flaw
    expect((await send(await forgeToken(t, { sub: clientId }))).status).toBe(204);
    const past = Math.floor(Date.now() / 1000) - 7200;
    const cases = [
      'not-a-jwt',
      await forgeToken(t, { sub: clientId, exp: past, iat: past - 60 }),
      await forgeToken(t, { sub: clientId, aud: 'https://other.example/api' }),
      await forgeToken(t, { sub: clientId, iss: 'https://impostor.example/oidc' }),
      await forgeToken(t, { sub: clientId }, { foreignKey: true }),
    ];
    for (const token of cases) expect(await send(token)).toMatchObject({ status: 401, body: { code: 'auth.unauthorized' } });
  });

  it('no sub → 401 auth.jwt_sub_missing; no scope all → 403 auth.forbidden', async () => {
    expect(await send(await forgeToken(t, {}))).toMatchObject({ status: 401, body: { code: 'auth.jwt_sub_missing' } });
    const { clientId } = await t.newClient();
    expect(await send(await forgeToken(t, { sub: clientId, scope: 'read' }))).toMatchObject({ status: 403, body: { code: 'auth.forbidden' } });
  });

  it('an application without Management API access gets a token without scope, then 403', async () => {
    const token = await managementToken(t, false);
    expect(await send(token)).toMatchObject({ status: 403, body: { code: 'auth.forbidden' } });
  });

  it('a deleted application is refused at once, with tokens it still holds', async () => {
    const { clientId, clientSecret } = await t.newClient();
    const config = await discover(t, clientId, clientSecret);
    const { access_token } = await client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' });
    expect((await send(access_token)).status).toBe(204);
    await t.db.query('DELETE FROM applications WHERE id = $1', [clientId]);
    expect(await send(access_token)).toMatchObject({ status: 401, body: { code: 'auth.unauthorized' } });
    await expect(client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' })).rejects.toThrow();
  });

  it('authentication is decided before the body is validated', async () => {
    expect(await send(null, { nonsense: true })).toMatchObject({ status: 401 });
  });
});
