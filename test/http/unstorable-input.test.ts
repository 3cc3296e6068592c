// Text PostgreSQL cannot store is refused at the door, in each family's 400 body: NUL and unpaired
// surrogates in path ids, query strings, JSON bodies (keys and values, at depth), forms and client
// credentials the OIDC provider parses itself; JSON nested past VERITY_JSON_MAX_DEPTH. Valid text
// (surrogate pairs, backslashes, `%`, `_`) is stored and read back unchanged, and LIKE patterns with
// a dangling escape are 400 request.invalid_input on every searchable list.
import { beforeAll, describe, expect, it } from 'vitest';
import { call, useTestApp } from '../helpers/app.ts';
import { startExperience } from '../helpers/experience.ts';
import { createRelyingParty, createUser, type RelyingParty } from '../helpers/oidc-flow.ts';
import { basic, managementToken } from '../helpers/tokens.ts';

const t = useTestApp({ env: { VERITY_JSON_MAX_DEPTH: '16' } });
let token: string;
let rp: RelyingParty;
let m2m: { clientId: string; clientSecret: string };
beforeAll(async () => {
  token = await managementToken(t);
  rp = await createRelyingParty({ url: t.url, token }, 'SPA');
  m2m = await t.newClient(true);
});

/** A call with raw JSON text, so `\u0000` and lone `\ud800` escapes arrive as written. */
const raw = (method: string, path: string, json?: string, headers: Record<string, string> = {}) => call(t, method, path, json, headers);
const api = (method: string, path: string, json?: string) => raw(method, path, json, { authorization: `Bearer ${token}` });

const guardBody = (where: string) => ({
  code: 'guard.invalid_input',
  message: 'The request input is invalid.',
  data: [expect.objectContaining({ code: 'custom' })],
  details: expect.stringContaining(where),
});
const otpBody = { error: { type: 'invalid_param', code: 1012, message: expect.any(String), uri: '/api/docs#tag/otp-1012' } };

describe('the OTP API', () => {
  it('answers 1012 for NUL or a lone surrogate in the body, the path id or the query, with a key or a wrong one', async () => {
    for (const json of ['{"phoneNumber":"+1415555\\u00000123"}', '{"phoneNumber":"+14155550123","from":"Ve\\ud800ty"}', '{"phoneNumber":"+14155550123","x\\u0000":1}']) {
      expect(await raw('POST', '/otp', json)).toMatchObject({ status: 400, body: otpBody });
    }
    expect(await raw('GET', '/otp/a%00b')).toMatchObject({ status: 400, body: otpBody });
    const undecodable = await raw('GET', '/otp/a%ED%A0%80b');
    expect(undecodable).toMatchObject({ status: 400, body: otpBody });
    // Answered before any hook runs (the router cannot decode the path), yet with the security headers.
    expect(undecodable.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(undecodable.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await raw('DELETE', '/otp/x?y=%00')).toMatchObject({ status: 400, body: otpBody });
    expect(await raw('GET', '/otp/a%00b', undefined, { 'x-api-key': 'not-a-key' })).toMatchObject({ status: 400, body: otpBody });
  });
});

describe('the Management API', () => {
  it('answers guard.invalid_input naming where the text is, at any depth, in keys and in values', async () => {
    const { id } = await createUser({ url: t.url, token });
    expect(await api('PATCH', `/api/users/${id}`, '{"name":"a\\u0000b"}')).toMatchObject({ status: 400, body: guardBody('body.name contains U+0000 (NUL)') });
    expect(await api('PATCH', `/api/users/${id}`, '{"name":"\\udc00"}')).toMatchObject({ status: 400, body: guardBody('body.name contains an unpaired UTF-16 surrogate') });
    const deepKey = await api('PATCH', `/api/users/${id}/custom-data`, '{"customData":{"a":[{"b\\u0000":1}]}}');
    expect(deepKey).toMatchObject({ status: 400, body: guardBody('body.customData.a.0 a key contains U+0000') });
    expect(await api('GET', `/api/users/${id}%00`)).toMatchObject({ status: 400, body: guardBody('path.userId') });
    expect(await api('GET', '/api/users?search=a%00')).toMatchObject({ status: 400, body: guardBody('query.search') });
    expect(await api('GET', '/api/users?a%00=1')).toMatchObject({ status: 400, body: guardBody('query a key contains') });
    // Nothing was written.
    expect((await api('GET', `/api/users/${id}`)).body).toMatchObject({ name: expect.not.stringContaining('\u0000'), customData: {} });
  });

  it('stores and returns valid text unchanged: surrogate pairs, backslashes, % and _', async () => {
    const { id } = await createUser({ url: t.url, token });
    const name = 'Zoë 😀 \\ 100%_done';
    const res = await api('PATCH', `/api/users/${id}`, JSON.stringify({ name, customData: { note: '\ud83d\ude00' } }));
    expect(res.status).toBe(200);
    expect((await api('GET', `/api/users/${id}`)).body).toMatchObject({ name, customData: { note: '😀' } });
  });

  it('refuses JSON nested deeper than VERITY_JSON_MAX_DEPTH (16 here) and accepts it at the limit', async () => {
    const { id } = await createUser({ url: t.url, token });
    const nested = (levels: number) => `{"customData":{"k":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
    // body (depth 0) → customData (1) → k (2): 14 arrays reach depth 15, the deepest accepted.
    expect((await api('PATCH', `/api/users/${id}/custom-data`, nested(14))).status).toBe(200);
    expect(await api('PATCH', `/api/users/${id}/custom-data`, nested(15))).toMatchObject({ status: 400, body: guardBody('nested deeper than 16 levels') });
    expect(await api('PATCH', `/api/users/${id}/custom-data`, nested(5000))).toMatchObject({ status: 400, body: guardBody('nested deeper than 16 levels') });
  });

  it('LIKE patterns: `%` and `_` are wildcards, `\\` escapes them, a dangling `\\` is request.invalid_input', async () => {
    for (const path of ['/api/roles', '/api/users', '/api/applications']) {
      const res = await api('GET', `${path}?search=%5C`);
      expect(res, path).toMatchObject({ status: 400, body: { code: 'request.invalid_input' } });
      expect((await api('GET', `${path}?search=ab%5C%5C%5C`)).status, path).toBe(400);
      expect((await api('GET', `${path}?search=ab%5C%5C`)).status, path).toBe(200);
    }
    expect((await api('GET', '/api/roles?search=%25access%25')).body).toHaveLength(1);
    expect((await api('GET', '/api/roles?search=%25access%5C%25')).body).toEqual([]);
    const { id } = await createUser({ url: t.url, token });
    await api('PATCH', `/api/users/${id}`, JSON.stringify({ name: `100%_${id}` }));
    expect((await api('GET', `/api/users?search.name=100%5C%25%5C_${id}`)).body.map((u: { id: string }) => u.id)).toEqual([id]);
    expect((await api('GET', `/api/users?search.name=100%5C%25%5C_x${id}`)).body).toEqual([]);
  });
});

describe('the Experience API', () => {
  it('answers guard.invalid_input for a NUL username, with a live interaction and without one', async () => {
    const body = '{"identifier":{"type":"username","value":"a\\u0000b"},"password":"x"}';
    expect(await raw('POST', '/api/experience/verification/password', body)).toMatchObject({ status: 400, body: guardBody('body.identifier.value') });
    const s = await startExperience(t.url, t.config.issuer, rp);
    expect((await s.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204);
    const res = await raw('POST', '/api/experience/verification/password', body, { cookie: s.jar.header(`${t.url}/api/experience`) });
    expect(res).toMatchObject({ status: 400, body: guardBody('body.identifier.value contains U+0000') });
  });
});

describe('the OIDC provider', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const invalidRequest = { error: 'invalid_request', error_description: expect.stringMatching(/U\+0000|surrogate|encoding/) };

  it('answers invalid_request for NUL in the authorization request, before any lookup', async () => {
    const res = await raw('GET', `/oidc/auth?client_id=a%00b&redirect_uri=${encodeURIComponent(rp.redirectUri)}&response_type=code&scope=openid`);
    expect(res).toMatchObject({ status: 400, body: invalidRequest });
    // Bytes Koa decodes to NUL (invalid UTF-8, then %00) though a strict decoder keeps them as text.
    expect(await raw('GET', `/oidc/auth?client_id=${rp.id}&state=%E0%00`)).toMatchObject({ status: 400, body: invalidRequest });
    expect(await raw('GET', '/oidc/auth/a%00b')).toMatchObject({ status: 400, body: invalidRequest });
  });

  it('answers invalid_request for NUL in introspection, revocation and token forms, and in Basic credentials', async () => {
    const auth = { ...form, authorization: basic(m2m.clientId, m2m.clientSecret) };
    for (const path of ['/oidc/token/introspection', '/oidc/token/revocation']) {
      expect(await raw('POST', path, 'token=a%00b', auth), path).toMatchObject({ status: 400, body: invalidRequest });
      expect(await raw('POST', path, `token=x&client_id=a%00b`, form), path).toMatchObject({ status: 400, body: invalidRequest });
      expect(await raw('POST', path, 'token=x', { ...form, authorization: basic('a%00b', 'secret') }), path).toMatchObject({ status: 400, body: invalidRequest });
    }
    expect(await raw('POST', '/oidc/token', 'grant_type=refresh_token&refresh_token=a%00b', auth)).toMatchObject({ status: 400, body: invalidRequest });
    // The same endpoints still work with clean input (the provider reads the form handed over).
    expect(await raw('POST', '/oidc/token/introspection', 'token=x', auth)).toMatchObject({ status: 200, body: { active: false } });
    const granted = await raw('POST', '/oidc/token', 'grant_type=client_credentials&resource=https%3A%2F%2Fdefault.logto.app%2Fapi&scope=all', auth);
    expect(granted).toMatchObject({ status: 200, body: { token_type: 'Bearer', scope: 'all' } });
  });

  it('answers an unknown provider route with a JSON 404', async () => {
    expect(await raw('POST', '/oidc/auth', 'client_id=x', form)).toMatchObject({ status: 404, body: { error: 'invalid_request' } });
  });
});
