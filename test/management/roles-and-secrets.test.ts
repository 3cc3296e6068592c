// Roles, application roles and application secrets (management-core-api.md §1 and §2) over HTTP
// with a real token; each grant is then proven by a real client-credentials exchange.
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/provider.ts';
import { useTestApp } from '../helpers/app.ts';
import { discover, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
let token: string;
beforeAll(async () => {
  token = await managementToken(t);
});

const api = (method: string, path: string, body?: unknown, bearer = token) =>
  fetch(`${t.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, headers: r.headers, body: r.status === 204 || r.status === 201 && r.headers.get('content-length') === '0' ? null : await r.json().catch(() => null) }));

let n = 0;
const newApp = async (type = 'MachineToMachine') => {
  const res = await api('POST', '/applications', { name: `app-${++n}`, type, ...(type === 'SPA' ? { oidcClientMetadata: { redirectUris: ['https://spa.example.com/cb'] } } : {}) });
  expect(res.status).toBe(200);
  return res.body as { id: string; secret: string };
};

/** A client-credentials grant for the Management API: the token's scope, or the OAuth error. */
const grant = async (clientId: string, secret: string) => {
  try {
    const config = await discover(t, clientId, secret);
    const tokens = await client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' });
    return { scope: tokens.scope ?? '', accessToken: tokens.access_token };
  } catch (error) {
    return { error: (error as { error?: string }).error ?? String(error) };
  }
};

const managementRole = async () => {
  const res = await api('GET', '/roles?type=MachineToMachine');
  return (res.body as Array<{ id: string; name: string }>).find((r) => r.name === 'Logto Management API access')!;
};

describe('roles', () => {
  it('lists the seeded machine-to-machine roles with counts, paginated', async () => {
    const res = await api('GET', '/roles?type=MachineToMachine&page=1&page_size=10');
    expect(res.status).toBe(200);
    expect(res.headers.get('total-number')).toBe('2');
    expect(res.body.map((r: { name: string }) => r.name).sort()).toEqual(['#internal:admin', 'Logto Management API access']);
    const internal = res.body.find((r: { id: string }) => r.id === 'admin-role');
    expect(internal).toMatchObject({ tenantId: 'default', type: 'MachineToMachine', isDefault: false, usersCount: 0, featuredUsers: [] });
    expect(internal.applicationsCount).toBeGreaterThanOrEqual(1); // the test's own admin client
    expect((await api('GET', '/roles?type=User')).body).toEqual([]);
    expect((await api('GET', '/roles?search.name=%25access%25')).body).toHaveLength(1);
    expect((await api('GET', '/roles?page=0')).body.code).toBe('guard.invalid_pagination');
  });

  it('gets one; unknown → 404', async () => {
    const role = await managementRole();
    expect((await api('GET', `/roles/${role.id}`)).body).toEqual({
      tenantId: 'default', id: role.id, name: 'Logto Management API access', description: expect.any(String), type: 'MachineToMachine', isDefault: false,
    });
    expect((await api('GET', '/roles/nope')).status).toBe(404);
  });
});

describe('application roles', () => {
  it('a new M2M app gets a token without scope; the Management API access role grants `all`; removing it takes effect at once', async () => {
    const app = await newApp();
    const before = await grant(app.id, app.secret);
    expect(before.scope).toBe('');
    expect((await api('GET', '/applications', undefined, before.accessToken)).status).toBe(403);

    const role = await managementRole();
    expect((await api('POST', `/applications/${app.id}/roles`, { roleIds: [role.id] })).status).toBe(201);
    expect((await api('GET', `/applications/${app.id}/roles`)).body).toEqual([
      { tenantId: 'default', id: role.id, name: 'Logto Management API access', description: expect.any(String), type: 'MachineToMachine', isDefault: false },
    ]);
    const after = await grant(app.id, app.secret);
    expect(after.scope).toBe('all');
    expect((await api('GET', '/applications', undefined, after.accessToken)).status).toBe(200);
    expect((await api('GET', `/applications?excludeRoleId=${role.id}`)).body.some((a: { id: string }) => a.id === app.id)).toBe(false);
    expect((await api('GET', '/roles?type=MachineToMachine')).body.find((r: { id: string }) => r.id === role.id).featuredApplications).toContainEqual(
      { id: app.id, name: expect.any(String), type: 'MachineToMachine' },
    );

    expect((await api('POST', `/applications/${app.id}/roles`, { roleIds: [role.id] })).body.code).toBe('application.role_exists');
    expect((await api('DELETE', `/applications/${app.id}/roles/${role.id}`)).status).toBe(204);
    expect((await api('GET', '/applications', undefined, after.accessToken)).status).toBe(403);
    expect((await api('DELETE', `/applications/${app.id}/roles/${role.id}`)).status).toBe(404);
  });

  it('PUT replaces the set; isAdmin attaches and detaches #internal:admin', async () => {
    const app = await newApp();
    const role = await managementRole();
    expect((await api('PUT', `/applications/${app.id}/roles`, { roleIds: [role.id, 'admin-role'] })).status).toBe(200);
    expect((await api('GET', `/applications/${app.id}`)).body.isAdmin).toBe(true);
    expect((await api('PUT', `/applications/${app.id}/roles`, { roleIds: [role.id] })).status).toBe(200);
    expect((await api('GET', `/applications/${app.id}`)).body.isAdmin).toBe(false);
    await api('PATCH', `/applications/${app.id}`, { isAdmin: true });
    expect((await api('GET', `/applications/${app.id}/roles`)).body.map((r: { id: string }) => r.id).sort()).toEqual(['admin-role', role.id].sort());
  });

  it('refuses non-M2M apps, unknown roles and apps, and bad bodies', async () => {
    const role = await managementRole();
    const spa = await newApp('SPA');
    expect(await api('POST', `/applications/${spa.id}/roles`, { roleIds: [role.id] })).toMatchObject({ status: 422, body: { code: 'application.invalid_type' } });
    const app = await newApp();
    expect((await api('POST', `/applications/${app.id}/roles`, { roleIds: ['nope'] })).status).toBe(404);
    expect((await api('POST', '/applications/nope/roles', { roleIds: [role.id] })).status).toBe(404);
    expect((await api('GET', '/applications/nope/roles')).status).toBe(404);
    for (const body of [{}, { roleIds: [] }, { roleIds: 'x' }])
      expect((await api('POST', `/applications/${app.id}/roles`, body)).body.code).toBe('guard.invalid_input');
  });
});

describe('application secrets', () => {
  it('lists the Default secret made at creation (its value, as Logto does); a new secret works at the token endpoint', async () => {
    const app = await newApp();
    const listed = await api('GET', `/applications/${app.id}/secrets`);
    expect(listed.body).toEqual([
      { tenantId: 'default', applicationId: app.id, name: 'Default secret', value: app.secret, createdAt: expect.any(Number), expiresAt: null },
    ]);
    const created = await api('POST', `/applications/${app.id}/secrets`, { name: 'rotation-2026' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'rotation-2026', value: expect.stringMatching(/^[A-Za-z0-9]{32}$/), expiresAt: null });
    expect((await grant(app.id, created.body.value)).error).toBeUndefined();
    expect((await grant(app.id, app.secret)).error).toBeUndefined();
    expect((await grant(app.id, 'wrong')).error).toBe('invalid_client');
    const [row] = await t.db.query<Record<string, unknown>>('SELECT * FROM application_secrets WHERE name = $1 AND application_id = $2', ['rotation-2026', app.id]);
    expect(JSON.stringify(row)).not.toContain(created.body.value); // a digest and a ciphertext only

    expect((await api('POST', `/applications/${app.id}/secrets`, { name: 'rotation-2026' })).body.code).toBe('application.secret_name_exists');
    expect((await api('PATCH', `/applications/${app.id}/secrets/rotation-2026`, { name: 'renamed' })).body).toMatchObject({ name: 'renamed', value: created.body.value });
    expect((await api('PATCH', `/applications/${app.id}/secrets/renamed`, { name: 'Default secret' })).body.code).toBe('application.secret_name_exists');
    expect((await api('DELETE', `/applications/${app.id}/secrets/renamed`)).status).toBe(204);
    expect((await grant(app.id, created.body.value)).error).toBe('invalid_client');
    expect((await api('DELETE', `/applications/${app.id}/secrets/renamed`)).status).toBe(404);
  });

  it('an expired secret is refused with invalid_request; a past expiry cannot be set', async () => {
    const app = await newApp();
    const expiresAt = t.clock.now().getTime() + 60_000;
    const created = await api('POST', `/applications/${app.id}/secrets`, { name: 'short', expiresAt });
    expect(created.body.expiresAt).toBe(expiresAt);
    expect((await grant(app.id, created.body.value)).error).toBeUndefined();
    t.clock.advance(61_000);
    expect((await grant(app.id, created.body.value)).error).toBe('invalid_request');
    expect((await api('POST', `/applications/${app.id}/secrets`, { name: 'past', expiresAt: t.clock.now().getTime() - 1 })).body.code).toBe('guard.invalid_input');
  });

  it('404 for an unknown application; 400 for a bad body', async () => {
    expect((await api('GET', '/applications/nope/secrets')).status).toBe(404);
    expect((await api('POST', '/applications/nope/secrets', { name: 'x' })).status).toBe(404);
    const app = await newApp();
    for (const body of [{}, { name: '' }, { name: 'x', expiresAt: 'soon' }])
      expect((await api('POST', `/applications/${app.id}/secrets`, body)).body.code).toBe('guard.invalid_input');
  });
});
