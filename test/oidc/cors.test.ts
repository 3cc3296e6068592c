// CORS (issue 8 §3): the provider's client endpoints answer an origin only if it is one of the
// client's redirect URIs' origins or its `customClientMetadata.corsAllowedOrigins`; a preflight or a
// request refused before its client is known, only for an origin some application allows; discovery
// and the JWKS stay open; nothing under /api answers CORS.
import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.ts';
import { basic, managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
const EVIL = 'https://evil.example';
const tag = crypto.randomBytes(4).toString('hex');
const SPA_ORIGIN = `https://spa-${tag}.example.com`;
const SPA_EXTRA = `https://app-${tag}.example.org`;
const WEB_ORIGIN = `https://web-${tag}.example.com`;
const WEB_EXTRA = `https://console-${tag}.example.net:8443`;
let token: string;
let spa: { id: string };
let web: { id: string; secret: string };

async function application(body: unknown) {
  const response = await fetch(`${t.url}/api/applications`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return response.json();
}

beforeAll(async () => {
  token = await managementToken(t);
  spa = await application({
    name: 'cors spa',
    type: 'SPA',
    oidcClientMetadata: { redirectUris: [`${SPA_ORIGIN}/callback`], postLogoutRedirectUris: [] },
    customClientMetadata: { corsAllowedOrigins: [SPA_EXTRA] },
  });
  web = await application({
    name: 'cors web',
    type: 'Traditional',
    oidcClientMetadata: { redirectUris: [`${WEB_ORIGIN}/callback`], postLogoutRedirectUris: [] },
    customClientMetadata: { corsAllowedOrigins: [WEB_EXTRA] },
  });
  // a custom scheme has no origin (a browser sends `null`): it allows nothing
  await application({ name: 'cors native', type: 'Native', oidcClientMetadata: { redirectUris: ['com.example.app://callback'], postLogoutRedirectUris: [] } });
});

const form = { 'content-type': 'application/x-www-form-urlencoded' };

/** POST to a provider endpoint from `origin`; the status and the origin it may read the answer from. */
async function post(path: string, origin: string, body: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${t.url}${path}`, { method: 'POST', headers: { ...form, origin, ...headers }, body: new URLSearchParams(body) });
  await response.arrayBuffer();
  return { status: response.status, allowOrigin: response.headers.get('access-control-allow-origin') };
}

async function preflight(path: string, origin: string, method = 'POST') {
  const response = await fetch(`${t.url}${path}`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'authorization' },
  });
  await response.arrayBuffer();
  return {
    status: response.status,
    allowOrigin: response.headers.get('access-control-allow-origin'),
    allowMethods: response.headers.get('access-control-allow-methods'),
  };
}

const codeGrant = (clientId?: string) => ({
  grant_type: 'authorization_code',
  code: 'not-a-code',
  redirect_uri: `${SPA_ORIGIN}/callback`,
  code_verifier: 'v'.repeat(43),
  ...(clientId ? { client_id: clientId } : {}),
});

describe('/oidc/token and the other client endpoints', () => {
  it("a public client's redirect URI origins and allowed origins may read its answers; no other origin may", async () => {
    for (const origin of [SPA_ORIGIN, SPA_EXTRA]) expect(await post('/oidc/token', origin, codeGrant(spa.id))).toEqual({ status: 400, allowOrigin: origin });
    for (const origin of [EVIL, WEB_ORIGIN, 'null']) expect((await post('/oidc/token', origin, codeGrant(spa.id))).allowOrigin, origin).toBeNull();
  });

  it('a confidential client too, with its secret', async () => {
    const auth = { authorization: basic(web.id, web.secret) };
    for (const origin of [WEB_ORIGIN, WEB_EXTRA]) expect(await post('/oidc/token', origin, codeGrant(), auth)).toEqual({ status: 400, allowOrigin: origin });
    for (const origin of [EVIL, SPA_ORIGIN]) expect((await post('/oidc/token', origin, codeGrant(), auth)).allowOrigin, origin).toBeNull();
  });

  it('a request refused before its client is known is readable only from an origin some application allows', async () => {
    expect(await post('/oidc/token', EVIL, codeGrant('nosuchclient'))).toEqual({ status: 401, allowOrigin: null });
    expect(await post('/oidc/token', EVIL, codeGrant(), { authorization: basic(web.id, 'wrong') })).toMatchObject({ allowOrigin: null });
    expect(await post('/oidc/token', SPA_ORIGIN, codeGrant('nosuchclient'))).toEqual({ status: 401, allowOrigin: SPA_ORIGIN });
  });

  it('introspection and revocation follow the same rule', async () => {
    for (const path of ['/oidc/token/introspection', '/oidc/token/revocation']) {
      expect((await post(path, SPA_EXTRA, { token: 'x', client_id: spa.id })).allowOrigin, path).toBe(SPA_EXTRA);
      expect((await post(path, EVIL, { token: 'x', client_id: spa.id })).allowOrigin, path).toBeNull();
    }
  });

  it('a preflight (no client in it) is answered for an origin some application allows, and for no other', async () => {
    for (const path of ['/oidc/token', '/oidc/me', '/oidc/token/introspection', '/oidc/token/revocation']) {
      for (const origin of [SPA_ORIGIN, SPA_EXTRA, WEB_ORIGIN, WEB_EXTRA]) expect((await preflight(path, origin)).allowOrigin, `${path} ${origin}`).toBe(origin);
      for (const origin of [EVIL, 'null']) expect(await preflight(path, origin), `${path} ${origin}`).toEqual({ status: 204, allowOrigin: null, allowMethods: null });
    }
  });

  it('discovery and the JWKS are public documents: any origin may read them', async () => {
    for (const path of ['/oidc/.well-known/openid-configuration', '/oidc/jwks']) {
      const response = await fetch(`${t.url}${path}`, { headers: { origin: EVIL } });
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBe(EVIL);
    }
  });
});

describe('/api', () => {
  it('answers no CORS: neither preflights nor simple requests carry Access-Control-Allow-Origin', async () => {
    for (const path of ['/api/users', '/api/applications', '/api/experience', '/api/experience/submit', '/api/swagger.json', '/api/docs']) {
      for (const origin of [EVIL, SPA_ORIGIN]) {
        const pre = await fetch(`${t.url}${path}`, {
          method: 'OPTIONS',
          headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
        });
        await pre.arrayBuffer();
        expect(pre.headers.get('access-control-allow-origin'), `OPTIONS ${path}`).toBeNull();
        expect(pre.headers.get('access-control-allow-methods'), `OPTIONS ${path}`).toBeNull();
        const simple = await fetch(`${t.url}${path}`, { headers: { origin, authorization: `Bearer ${token}` } });
        await simple.arrayBuffer();
        expect(simple.headers.get('access-control-allow-origin'), `GET ${path}`).toBeNull();
      }
    }
  });
});
