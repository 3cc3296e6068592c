// /api/connectors C1–C5 for Social connectors (management-core-api.md §5): the Social-only rules and
// codes, several Social connectors side by side, stored metadata on standard factories, configs sealed at
// rest, the sign-in experience's targets following deletions, and the factories' config schemas in the
// OpenAPI document. Each refusal is next to the request that passes.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  token = await managementToken(t);
});
afterAll(() => t?.close());

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);
const unique = (prefix: string) => `${prefix}-${crypto.randomBytes(4).toString('hex')}`;
const secrets = () => ({ clientId: unique('client'), clientSecret: `secret-${crypto.randomBytes(8).toString('hex')}` });
const oidcConfig = () => ({ ...secrets(), scope: 'profile email', issuer: 'http://127.0.0.1:9/issuer' });
const oauth2Config = () => ({
  ...secrets(),
  authorizationEndpoint: 'https://idp.example.test/authorize',
  tokenEndpoint: 'http://127.0.0.1:9/token',
  userInfoEndpoint: 'http://127.0.0.1:9/userinfo',
});
const create = (connectorId: string, config: unknown, extra: Record<string, unknown> = {}) => api('POST', '/api/connectors', { connectorId, config, ...extra });

describe('C1 for Social connectors', () => {
  it('a standard factory needs metadata.target (400 connector.should_specify_target)', async () => {
    expect(await create('oidc', oidcConfig())).toMatchObject({ status: 400, body: { code: 'connector.should_specify_target' } });
    expect(await create('oidc', oidcConfig(), { metadata: { target: '' } })).toMatchObject({ status: 400, body: { code: 'connector.should_specify_target' } });
    const target = unique('corp');
    const res = await create('oidc', oidcConfig(), { metadata: { target, name: { en: 'Corp' } } });
    expect(res).toMatchObject({ status: 200, body: { type: 'Social', connectorId: 'oidc', target, name: { en: 'Corp' }, platform: 'Universal', isStandard: true } });
    expect(res.body.id).toMatch(/^[a-z0-9]{12}$/);
  });

  it('a non-standard factory takes no metadata (400 connector.cannot_overwrite_metadata_for_non_standard_connector); one instance only (422)', async () => {
    const config = { ...secrets() };
    expect(await create('google-universal', config, { metadata: { name: { en: 'Mine' } } })).toMatchObject({
      status: 400, body: { code: 'connector.cannot_overwrite_metadata_for_non_standard_connector' },
    });
    const first = await create('google-universal', config);
    expect(first).toMatchObject({ status: 200, body: { connectorId: 'google-universal', target: 'google', metadata: {} } });
    expect(await create('google-universal', config)).toMatchObject({ status: 422, body: { code: 'connector.multiple_instances_not_supported' } });
    // A standard factory may have several instances.
    expect((await create('oauth2', oauth2Config(), { metadata: { target: unique('a') } })).status).toBe(200);
    expect((await create('oauth2', oauth2Config(), { metadata: { target: unique('b') } })).status).toBe(200);
    expect((await api('DELETE', `/api/connectors/${first.body.id}`)).status).toBe(204);
  });

  it('two Social connectors of one target and platform → 422 connector.multiple_target_with_same_platform', async () => {
    const target = unique('shared');
    expect((await create('oidc', oidcConfig(), { metadata: { target } })).status).toBe(200);
    expect(await create('oauth2', oauth2Config(), { metadata: { target } })).toMatchObject({
      status: 422, body: { code: 'connector.multiple_target_with_same_platform', data: { connectorId: 'oidc' } },
    });
    expect((await create('oauth2', oauth2Config(), { metadata: { target: unique('other') } })).status).toBe(200);
  });

  it('several Social connectors live beside the one SMS connector', async () => {
    const before = (await api('GET', '/api/connectors')).body as Array<{ type: string }>;
    const targets = [unique('x'), unique('y')];
    for (const target of targets) expect((await create('oidc', oidcConfig(), { metadata: { target } })).status).toBe(200);
    const after = (await api('GET', '/api/connectors')).body as Array<{ type: string; target: string }>;
    expect(after.filter((c) => c.type === 'Social').length).toBe(before.filter((c) => c.type === 'Social').length + 2);
    expect(after.filter((c) => c.type === 'Sms')).toHaveLength(1);
    // C2's target filter sees an instance's own target.
    expect((await api('GET', `/api/connectors?target=${targets[0]}`)).body).toMatchObject([{ target: targets[0], connectorId: 'oidc' }]);
  });

  it('checks the config against the factory (400 connector.invalid_config), including the egress policy', async () => {
    const target = unique('cfg');
    const { issuer: _issuer, ...noIssuer } = oidcConfig();
    expect(await create('oidc', noIssuer, { metadata: { target } })).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
    expect(await create('github-universal', { ...secrets(), tokenEndpoint: 'http://127.0.0.2:9/token' })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config', data: { message: expect.stringContaining('tokenEndpoint') } },
    });
    expect(await create('oauth2', { ...oauth2Config(), userInfoEndpoint: 'http://10.1.2.3/userinfo' }, { metadata: { target } })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config' },
    });
    const res = await create('github-universal', { ...secrets(), tokenEndpoint: 'http://127.0.0.1:9/token' });
    expect(res).toMatchObject({ status: 200, body: { target: 'github', config: { tokenEndpoint: 'http://127.0.0.1:9/token' } } });
    expect((await api('DELETE', `/api/connectors/${res.body.id}`)).status).toBe(204);
  });

  it('keeps the config sealed at rest (the client secret is not in the row)', async () => {
    const config = oidcConfig();
    const res = await create('oidc', config, { metadata: { target: unique('sealed') } });
    expect(res.body.config).toMatchObject({ clientSecret: config.clientSecret });
    const [row] = await t.db.query<{ config: string }>('SELECT config FROM connectors WHERE id = $1', [res.body.id]);
    expect(row!.config).not.toContain(config.clientSecret);
  });

  it('syncProfile: accepted on a Social connector, 422 connector.invalid_type_for_syncing_profile on SMS', async () => {
    const res = await create('oidc', oidcConfig(), { metadata: { target: unique('sync') }, syncProfile: true });
    expect(res).toMatchObject({ status: 200, body: { syncProfile: true } });
    expect((await api('PATCH', `/api/connectors/${res.body.id}`, { syncProfile: false })).body.syncProfile).toBe(false);
    const sms = ((await api('GET', '/api/connectors')).body as Array<{ id: string; type: string }>).find((c) => c.type === 'Sms')!;
    expect(await api('PATCH', `/api/connectors/${sms.id}`, { syncProfile: true })).toMatchObject({ status: 422, body: { code: 'connector.invalid_type_for_syncing_profile' } });
  });
});

describe('C1 under concurrency', () => {
  it('concurrent creations of one target: exactly one succeeds', async () => {
    const target = unique('race');
    const results = await Promise.all(Array.from({ length: 10 }, () => create('oauth2', oauth2Config(), { metadata: { target } })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 422).map((r) => r.body.code)).toEqual(Array(9).fill('connector.multiple_target_with_same_platform'));
    expect((await api('GET', `/api/connectors?target=${target}`)).body).toHaveLength(1);
  });
});

describe('C4 for Social connectors', () => {
  it('a standard instance keeps its target (400 connector.can_not_modify_target) and may change its name', async () => {
    const target = unique('keep');
    const { body } = await create('oauth2', oauth2Config(), { metadata: { target } });
    const patch = (b: unknown) => api('PATCH', `/api/connectors/${body.id}`, b);
    expect(await patch({ metadata: { target: unique('moved') } })).toMatchObject({ status: 400, body: { code: 'connector.can_not_modify_target' } });
    expect(await patch({ metadata: { name: { en: 'No target' } } })).toMatchObject({ status: 400, body: { code: 'connector.can_not_modify_target' } });
    expect(await patch({ metadata: { target, name: { en: 'Renamed' } } })).toMatchObject({ status: 200, body: { target, name: { en: 'Renamed' } } });
  });

  it('a non-standard one takes no metadata but its own target', async () => {
    const { body } = await create('github-universal', { ...secrets() });
    const patch = (b: unknown) => api('PATCH', `/api/connectors/${body.id}`, b);
    expect(await patch({ metadata: { name: { en: 'Hub' } } })).toMatchObject({ status: 400, body: { code: 'connector.cannot_overwrite_metadata_for_non_standard_connector' } });
    expect(await patch({ metadata: { target: 'gitlab' } })).toMatchObject({ status: 400, body: { code: 'connector.can_not_modify_target' } });
    expect(await patch({ config: { ...secrets(), scope: 'read:user' } })).toMatchObject({ status: 200, body: { config: { scope: 'read:user' } } });
    expect(await patch({ config: { clientId: 'only' } })).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
    expect((await api('DELETE', `/api/connectors/${body.id}`)).status).toBe(204);
  });
});

describe('C5 for Social connectors', () => {
  it('deleting a Social connector removes its target from socialSignInConnectorTargets', async () => {
    const [a, b] = [unique('siea'), unique('sieb')];
    const first = await create('oidc', oidcConfig(), { metadata: { target: a } });
    await create('oidc', oidcConfig(), { metadata: { target: b } });
    const set = await api('PATCH', '/api/sign-in-exp', { socialSignInConnectorTargets: [a, b, unique('unserved')] });
    expect(set.body.socialSignInConnectorTargets).toEqual([a, b]);
    expect((await api('DELETE', `/api/connectors/${first.body.id}`)).status).toBe(204);
    expect((await api('GET', '/api/sign-in-exp')).body.socialSignInConnectorTargets).toEqual([b]);
    expect(await api('DELETE', `/api/connectors/${first.body.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
  });
});

describe('the OpenAPI document', () => {
  it('shows each factory’s config schema', async () => {
    const doc = (await (await fetch(`${t.url}/api/swagger.json`)).json()) as any;
    const body = doc.paths['/api/connectors'].post.requestBody.content['application/json'].schema;
    const titles = (body.properties.config.anyOf as Array<{ title: string }>).map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(['oidc', 'oauth2', 'google-universal', 'github-universal']));
    const github = body.properties.config.anyOf.find((s: { title: string }) => s.title === 'github-universal');
    expect(github.properties).toHaveProperty('userEmailsEndpoint');
    expect(github.required).toEqual(expect.arrayContaining(['clientId', 'clientSecret']));
  });
});
