// Owns the fuzz requests to the OIDC provider under /oidc, which the OpenAPI document does not list:
// discovery, authorization (GET and POST, and the resume path), token, introspection, revocation,
// userinfo, end session and its confirmation, JWKS. Each parameter, form field, parameter name and
// client credential gets the hostile values, with and without valid client authentication.
import { hostileFor, type Hostile, type seeded } from './inputs.ts';
import { basic } from '../helpers/tokens.ts';

export interface FuzzRequest {
  label: string;
  method: string;
  /** Path and query, already percent-encoded. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  family: 'otp' | 'logto' | 'oidc';
  /** The body sent is not JSON at all (Logto answers such a body with {message} only). */
  malformedJson?: boolean;
}

export interface OidcFixtures {
  /** A public (SPA) client with its redirect and post-logout URIs. */
  rp: { id: string; redirectUri: string; postLogoutRedirectUri: string };
  /** A MachineToMachine client allowed the Management API. */
  m2m: { clientId: string; clientSecret: string };
  managementResource: string;
}

type Params = Record<string, string>;

const enc = (params: Params) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** The parameters with `key` set to an already-encoded value. */
const withEncoded = (params: Params, key: string, encodedValue: string) => {
  const rest = enc(Object.fromEntries(Object.entries(params).filter(([k]) => k !== key)));
  return `${rest ? `${rest}&` : ''}${encodeURIComponent(key)}=${encodedValue}`;
};

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Endpoint {
  name: string;
  method: 'GET' | 'POST';
  path: string;
  params: Params;
  /** Parameters the provider reads beyond the base ones. */
  extra: string[];
  auth?: string;
}

/** Every /oidc request the fuzz test sends. */
export function oidcCases(f: OidcFixtures, random: ReturnType<typeof seeded>, extraPerSlot: number): FuzzRequest[] {
  const authorization: Params = {
    client_id: f.rp.id,
    redirect_uri: f.rp.redirectUri,
    response_type: 'code',
    scope: 'openid',
    state: 'fuzz-state',
    nonce: 'fuzz-nonce',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    code_challenge_method: 'S256',
  };
  const clientAuth = basic(encodeURIComponent(f.m2m.clientId), encodeURIComponent(f.m2m.clientSecret));
  const endpoints: Endpoint[] = [
    { name: 'discovery', method: 'GET', path: '/oidc/.well-known/openid-configuration', params: {}, extra: ['x'] },
    { name: 'jwks', method: 'GET', path: '/oidc/jwks', params: {}, extra: ['x'] },
    { name: 'authorization', method: 'GET', path: '/oidc/auth', params: authorization, extra: ['resource', 'prompt', 'login_hint', 'ui_locales', 'max_age', 'claims', 'request', 'response_mode', 'id_token_hint'] },
    { name: 'authorization (form)', method: 'POST', path: '/oidc/auth', params: authorization, extra: ['resource', 'prompt', 'login_hint'] },
    { name: 'token (client credentials)', method: 'POST', path: '/oidc/token', params: { grant_type: 'client_credentials', resource: f.managementResource, scope: 'all' }, extra: ['client_id', 'client_secret'], auth: clientAuth },
    { name: 'token (authorization code)', method: 'POST', path: '/oidc/token', params: { grant_type: 'authorization_code', code: 'x', redirect_uri: f.rp.redirectUri, code_verifier: 'x'.repeat(43), client_id: f.rp.id }, extra: [] },
    { name: 'token (refresh)', method: 'POST', path: '/oidc/token', params: { grant_type: 'refresh_token', refresh_token: 'x', client_id: f.rp.id }, extra: ['scope', 'resource'] },
    { name: 'introspection', method: 'POST', path: '/oidc/token/introspection', params: { token: 'x' }, extra: ['token_type_hint', 'client_id'], auth: clientAuth },
    { name: 'introspection (no client)', method: 'POST', path: '/oidc/token/introspection', params: { token: 'x', client_id: f.rp.id }, extra: [] },
    { name: 'revocation', method: 'POST', path: '/oidc/token/revocation', params: { token: 'x' }, extra: ['token_type_hint', 'client_id'], auth: clientAuth },
    { name: 'revocation (no client)', method: 'POST', path: '/oidc/token/revocation', params: { token: 'x', client_id: f.rp.id }, extra: [] },
    { name: 'userinfo', method: 'GET', path: '/oidc/me', params: {}, extra: ['access_token'], auth: 'Bearer x' },
    { name: 'userinfo (form)', method: 'POST', path: '/oidc/me', params: { access_token: 'x' }, extra: [] },
    { name: 'end session', method: 'GET', path: '/oidc/session/end', params: { client_id: f.rp.id, post_logout_redirect_uri: f.rp.postLogoutRedirectUri, state: 's' }, extra: ['id_token_hint', 'logout_hint', 'ui_locales'] },
    { name: 'end session (form)', method: 'POST', path: '/oidc/session/end', params: { client_id: f.rp.id }, extra: ['id_token_hint', 'post_logout_redirect_uri'] },
    { name: 'end session confirm', method: 'POST', path: '/oidc/session/end/confirm', params: { xsrf: 'x', logout: 'yes' }, extra: [] },
  ];

  const cases: FuzzRequest[] = [];
  const send = (e: Endpoint, label: string, query: string, headers: Record<string, string> = {}) => {
    const auth: Record<string, string> = e.auth ? { authorization: e.auth } : {};
    if (e.method === 'GET') cases.push({ label: `${e.name}: ${label}`, method: 'GET', path: query ? `${e.path}?${query}` : e.path, headers: { ...auth, ...headers }, family: 'oidc' });
    else cases.push({ label: `${e.name}: ${label}`, method: 'POST', path: e.path, headers: { ...FORM, ...auth, ...headers }, body: query, family: 'oidc' });
  };
  for (const e of endpoints) {
    send(e, 'base', enc(e.params));
    for (const key of [...Object.keys(e.params), ...e.extra]) {
      for (const h of hostileFor(random, extraPerSlot, true)) send(e, `${key}=${h.name}`, withEncoded(e.params, key, h.url!));
      send(e, `${key} repeated`, `${enc(e.params)}&${encodeURIComponent(key)}=again`);
    }
    for (const key of ['a%00b', 'a%ED%A0%80', '%5C']) send(e, `parameter name ${key}`, `${enc(e.params)}&${key}=1`);
    // Without the client authentication (or bearer token) the endpoint expects.
    if (e.auth) send({ ...e, auth: undefined }, 'no authentication', enc(e.params));
    // Client credentials carrying hostile text: form-encoded, then base64 (RFC 6749 §2.3.1).
    if (e.auth?.startsWith('Basic')) {
      for (const h of hostileFor(random, 2, true)) {
        send({ ...e, auth: basic(h.url!, 'secret') }, `basic client id ${h.name}`, enc(e.params));
        send({ ...e, auth: basic(encodeURIComponent(f.m2m.clientId), h.url!) }, `basic client secret ${h.name}`, enc(e.params));
      }
    }
    if (e.name === 'userinfo') for (const h of hostileFor(random, 2, true)) send({ ...e, auth: `Bearer ${h.url}` }, `bearer ${h.name}`, '');
    if (e.method === 'POST') {
      cases.push({ label: `${e.name}: JSON body`, method: 'POST', path: e.path, headers: { 'content-type': 'application/json' }, body: '{"token":"a\\u0000b","x":"\\ud800"}', family: 'oidc' });
      cases.push({ label: `${e.name}: raw invalid UTF-8 form`, method: 'POST', path: e.path, headers: FORM, body: Buffer.from([0x74, 0x6f, 0x6b, 0x65, 0x6e, 0x3d, 0xed, 0xa0, 0x80, 0x00]), family: 'oidc' });
    }
  }
  // The resume path names the interaction in the URL.
  for (const h of hostileFor(random, extraPerSlot, true)) cases.push(resume(h));
  return cases;
}

function resume(h: Hostile): FuzzRequest {
  return { label: `resume: uid=${h.name}`, method: 'GET', path: `/oidc/auth/${h.url || 'x'}`, family: 'oidc' };
}
