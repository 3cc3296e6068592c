// /api/applications A1–A5 (management-core-api.md §2) over HTTP with a real Management API token,
// and an application created here used as an OIDC client (client credentials) afterwards.
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/keyring.ts';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import { useTestApp } from '../helpers/app.ts';
import { discover, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
let token: string;
beforeAll(async () => {
  token = await managementToken(t);
});

const api = (method: string, path: string, body?: unknown, bearer = token) =>
  fetch(`${t.url}/api/applications${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: r.status === 204 ? null : await r.json() }));

const create = async (body: Record<string, unknown>) => {
  const res = await api('POST', '', body);
  expect(res.status).toBe(200);
  return res.body;
};

let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Date.now()}`;

describe('A1 POST /api/applications', () => {
  it('creates a MachineToMachine app: Logto shape, secret shown once, stored only as its SHA-256', async () => {
    const name = unique('m2m');
    const app = await create({ name, type: 'MachineToMachine', description: 'backend', unknownKey: 1 });
    expect(app).toEqual({
      tenantId: 'default',
      id: expect.stringMatching(/^[a-z0-9]{21}$/),
      name,
      secret: expect.stringMatching(/^#internal:[A-Za-z0-9]{32}$/),
      description: 'backend',
      type: 'MachineToMachine',
      oidcClientMetadata: { redirectUris: [], postLogoutRedirectUris: [] },
      customClientMetadata: {},
      protectedAppMetadata: null,
      customData: {},
      isThirdParty: false,
      createdAt: expect.any(Number),
    });
    expect(Math.abs(app.createdAt - Date.now())).toBeLessThan(60_000);
    const [row] = await t.db.query<{ secret_hash: string; callback_secret: string }>(
      'SELECT secret_hash, callback_secret FROM applications WHERE id = $1',
      [app.id],
    );
    expect(row!.secret_hash).toBe(sha256Hex(app.secret));
    expect(JSON.stringify(row)).not.toContain(app.secret.slice('#internal:'.length));
    expect(t.keyring.decrypt(row!.callback_secret)).toBeTruthy();
    expect((await api('GET', `/${app.id}`)).body.isAdmin).toBe(false);
    // every later read has an empty secret
    expect((await api('GET', `/${app.id}`)).body.secret).toBe('');
    expect((await api('PATCH', `/${app.id}`, { name: 'renamed' })).body.secret).toBe('');
    expect((await api('GET', '')).body.find((a: { id: string }) => a.id === app.id).secret).toBe('');
  });

  it('a Native app with custom-scheme and https redirect URIs has no secret', async () => {
    const oidcClientMetadata = { redirectUris: ['com.example.app://callback', 'https://app.example.com/cb'], postLogoutRedirectUris: [] };
    const app = await create({ name: unique('native'), type: 'Native', oidcClientMetadata, customData: { team: 'mobile' } });
    expect(app).toMatchObject({ type: 'Native', secret: '', oidcClientMetadata, customData: { team: 'mobile' } });
    const [row] = await t.db.query<{ secret_hash: string | null }>('SELECT secret_hash FROM applications WHERE id = $1', [app.id]);
    expect(row!.secret_hash).toBeNull();
    expect((await api('GET', `/${app.id}`)).body).toMatchObject({ type: 'Native', oidcClientMetadata, isAdmin: false });
    // and the OIDC provider sees it as a public client with those redirect URIs
    const auth = new URL(`${t.config.issuer}/auth`);
    for (const [k, v] of Object.entries({
      client_id: app.id, redirect_uri: 'com.example.app://callback', response_type: 'code', scope: 'openid',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }))
      auth.searchParams.set(k, v);
    const res = await fetch(auth, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toMatch(/^\/sign-in\?uid=/);
    auth.searchParams.set('redirect_uri', 'com.example.app://unregistered');
    const refused = await fetch(auth, { redirect: 'manual' });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toBe('invalid_redirect_uri');
  });

  it('validates the body: 400 guard.invalid_input', async () => {
    const bad = [
      {},
      { name: 'x' },
      { name: '', type: 'SPA' },
      { name: 'x'.repeat(257), type: 'SPA' },
      { name: 'x', type: 'Desktop' },
      { name: 'x', type: 'Native', oidcClientMetadata: { redirectUris: ['myapp://callback'] } },
      { name: 'x', type: 'Native', oidcClientMetadata: { redirectUris: ['not a url'] } },
      { name: 'x', type: 'SPA', oidcClientMetadata: { redirectUris: ['ftp://example.com/cb'] } },
      { name: 'x', type: 'SPA', customClientMetadata: { refreshTokenTtlInDays: 91 } },
      { name: 'x', type: 'SPA', isThirdParty: 'yes' },
    ];
    for (const body of bad) {
      const res = await api('POST', '', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.code).toBe('guard.invalid_input');
    }
  });

  it('refuses SAML, Protected without metadata and third-party non-Traditional apps', async () => {
    expect(await api('POST', '', { name: 'x', type: 'SAML' })).toMatchObject({ status: 400, body: { code: 'application.use_saml_app_api' } });
    expect(await api('POST', '', { name: 'x', type: 'Protected' })).toMatchObject({
      status: 400,
      body: { code: 'application.protected_app_metadata_is_required' },
    });
    expect(await api('POST', '', { name: 'x', type: 'SPA', isThirdParty: true })).toMatchObject({
      status: 400,
      body: { code: 'application.invalid_third_party_application_type' },
    });
    const third = await create({ name: unique('third'), type: 'Traditional', isThirdParty: true });
    expect(third).toMatchObject({ isThirdParty: true, secret: expect.stringMatching(/^#internal:/) });
  });

  it('needs a Management API token', async () => {
    expect((await api('POST', '', { name: 'x', type: 'SPA' }, 'nope')).status).toBe(401);
  });
});

describe('A2 GET /api/applications', () => {
  const prefix = `list${Date.now()}`;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    for (const [key, type] of [['a', 'SPA'], ['b', 'Native'], ['c', 'Traditional'], ['d', 'SPA']] as const)
      ids[key] = (await create({ name: `${prefix}-${key}`, type, description: key === 'c' ? 'Billing portal' : null })).id;
  });
  const names = (body: { name: string }[]) => body.map((a) => a.name).filter((x) => x.startsWith(prefix));

  it('lists everything newest first, without pagination headers', async () => {
    const res = await api('GET', '');
    expect(res.status).toBe(200);
    expect(names(res.body)).toEqual(['d', 'c', 'b', 'a'].map((k) => `${prefix}-${k}`));
    expect(res.headers.get('total-number')).toBeNull();
  });

  it('paginates with Total-Number and Link', async () => {
    const all = (await api('GET', '')).body.length;
    const res = await api('GET', '?page=2&page_size=1');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.headers.get('total-number')).toBe(String(all));
    expect(res.headers.get('link')).toContain('rel="next"');
    expect((await api('GET', '?page=0')).body.code).toBe('guard.invalid_pagination');
  });

  it('filters by types (one or repeated) and isThirdParty', async () => {
    expect(names((await api('GET', '?types=SPA')).body)).toEqual([`${prefix}-d`, `${prefix}-a`]);
    expect(names((await api('GET', '?types=Native&types=Traditional')).body)).toEqual([`${prefix}-c`, `${prefix}-b`]);
    expect(names((await api('GET', '?isThirdParty=true')).body)).toEqual([]);
    expect(names((await api('GET', '?isThirdParty=false&types=SPA')).body)).toHaveLength(2);
    expect((await api('GET', '?types=Desktop')).body.code).toBe('guard.invalid_input');
  });

  it('searches id, name and description (like, case-insensitive by default)', async () => {
    expect(names((await api('GET', `?search=${encodeURIComponent(`%${prefix}-B%`)}`)).body)).toEqual([`${prefix}-b`]);
    expect(names((await api('GET', `?search=%25billing%25`)).body)).toEqual([`${prefix}-c`]);
    expect(names((await api('GET', `?search.id=${ids.a}`)).body)).toEqual([`${prefix}-a`]);
    expect(names((await api('GET', `?search.name=${prefix}-A&mode.name=exact`)).body)).toEqual([`${prefix}-a`]);
    expect(names((await api('GET', `?search.name=${prefix}-A&mode.name=exact&isCaseSensitive=true`)).body)).toEqual([]);
    const both = `?search.name=${prefix}-%25&search.description=Billing%25&joint=and`;
    expect(names((await api('GET', both)).body)).toEqual([`${prefix}-c`]);
    expect((await api('GET', '?search.secret=x')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?search=x&mode=fuzzy')).body.code).toBe('request.invalid_input');
    expect((await api('GET', '?search=(&mode=posix')).body.code).toBe('request.invalid_input');
  });
});

describe('A3–A5', () => {
  it('GET one: 200 with isAdmin; unknown id → 404 entity.not_exists_with_id', async () => {
    const app = await create({ name: unique('spa'), type: 'SPA' });
    expect((await api('GET', `/${app.id}`)).body).toEqual({ ...app, isAdmin: false });
    expect(await api('GET', '/doesnotexist')).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
  });

  it('PATCH replaces given top-level fields, drops type and isThirdParty, answers without isAdmin', async () => {
    const app = await create({
      name: unique('trad'),
      type: 'Traditional',
      description: 'old',
      oidcClientMetadata: { redirectUris: ['https://a.example/cb'], postLogoutRedirectUris: ['https://a.example/'] },
      customClientMetadata: { idTokenTtl: 600, rotateRefreshToken: false },
    });
    const res = await api('PATCH', `/${app.id}`, {
      name: 'new name',
      type: 'SPA',
      isThirdParty: true,
      oidcClientMetadata: { redirectUris: ['https://b.example/cb'] },
      customClientMetadata: { corsAllowedOrigins: ['https://b.example'] },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...app,
      secret: '',
      name: 'new name',
      oidcClientMetadata: { redirectUris: ['https://b.example/cb'], postLogoutRedirectUris: [] },
      customClientMetadata: { corsAllowedOrigins: ['https://b.example'] },
    });
    expect((await api('PATCH', `/${app.id}`, { description: null })).body).toMatchObject({ description: null, name: 'new name' });
    expect((await api('PATCH', `/${app.id}`, {})).body.name).toBe('new name');
  });

  it('PATCH validates (400) and needs an existing app (404)', async () => {
    const app = await create({ name: unique('v'), type: 'SPA' });
    for (const body of [{ name: '' }, { isAdmin: 'yes' }, { oidcClientMetadata: { redirectUris: ['nope'] } }, { customData: [] }]) {
      expect((await api('PATCH', `/${app.id}`, body)).body.code).toBe('guard.invalid_input');
    }
    expect(await api('PATCH', '/doesnotexist', { name: 'x' })).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
  });

  it('DELETE: 204, then 404 for it', async () => {
    const app = await create({ name: unique('gone'), type: 'SPA' });
    expect(await api('DELETE', `/${app.id}`)).toMatchObject({ status: 204, body: null });
    expect((await api('GET', `/${app.id}`)).status).toBe(404);
    expect(await api('DELETE', `/${app.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_exists_with_id' } });
  });
});

describe('an application created through the API as a Management API client', () => {
  it('gets access with isAdmin, loses it with isAdmin false, and is refused once deleted', async () => {
    const app = await create({ name: unique('admin'), type: 'MachineToMachine' });
    const config = await discover(t, app.id, app.secret);
    const grant = () => client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' });

    // no Management API access yet: a token without scope, refused
    const before = await grant();
    expect(before.scope).toBeUndefined();
    expect((await api('GET', '', undefined, before.access_token)).status).toBe(403);

    expect((await api('PATCH', `/${app.id}`, { isAdmin: true })).body).not.toHaveProperty('isAdmin');
    expect((await api('GET', `/${app.id}`)).body.isAdmin).toBe(true);
    const { access_token, scope } = await grant();
    expect(scope).toBe('all');
    expect((await api('GET', `/${app.id}`, undefined, access_token)).status).toBe(200);

    await api('PATCH', `/${app.id}`, { isAdmin: false });
    expect((await api('GET', `/${app.id}`, undefined, access_token)).status).toBe(403);
    await api('PATCH', `/${app.id}`, { isAdmin: true });

    expect((await api('DELETE', `/${app.id}`)).status).toBe(204);
    expect(await api('GET', '', undefined, access_token)).toMatchObject({ status: 401, body: { code: 'auth.unauthorized' } });
    await expect(grant()).rejects.toThrow();
  });

  it('a wrong secret is refused at the token endpoint', async () => {
    const app = await create({ name: unique('m2m'), type: 'MachineToMachine' });
    const config = await discover(t, app.id, `${app.secret}x`);
    await expect(client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' })).rejects.toThrow();
  });
});

describe('OpenAPI', () => {
  it('documents every applications route under the applications tag', async () => {
    const doc = await (await fetch(`${t.url}/api/swagger.json`)).json();
    const ops = ['post /api/applications', 'get /api/applications', 'get /api/applications/{id}', 'patch /api/applications/{id}', 'delete /api/applications/{id}'];
    for (const op of ops) {
      const [method, path] = op.split(' ') as [string, string];
      const spec = doc.paths[path]?.[method];
      expect(spec, op).toBeTruthy();
      expect(spec.tags).toEqual(['applications']);
      expect(spec.security).toEqual([{ ManagementApi: ['all'] }]);
    }
    expect(doc.paths['/api/applications'].post.requestBody.content['application/json'].schema.required).toEqual(['name', 'type']);
  });
});
