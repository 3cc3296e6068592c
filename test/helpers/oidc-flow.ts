// Owns the browser and the relying party of the authorization-code suites: a cookie jar with
// fetch that follows the provider's redirects as a browser would, openid-client 6 configurations for
// applications made through the Management API, and users made the same way.
import crypto from 'node:crypto';
import * as client from 'openid-client';

// --- the browser --------------------------------------------------------------------------------

interface StoredCookie {
  name: string;
  value: string;
  path: string;
}

/**
 * A browser's cookie store for one host. Cookies are matched by path only: like a browser, it sends
 * cookies of 127.0.0.1 to every port of that host (which is what lets two processes share a flow).
 */
export class CookieJar {
  private cookies: StoredCookie[] = [];

  /** The Cookie header for a request to `url`. */
  header(url: string): string {
    const { pathname } = new URL(url);
    return this.cookies
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ');
  }

  /** Stores (or, for an expired or empty one, removes) every cookie the response sets. */
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((part) => part.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = '/';
      let expired = value === '';
      for (const attribute of attributes) {
        const [key = '', val = ''] = attribute.split('=');
        if (key.toLowerCase() === 'path') path = val;
        if (key.toLowerCase() === 'expires' && Date.parse(val) <= Date.now()) expired = true;
        if (key.toLowerCase() === 'max-age' && Number(val) <= 0) expired = true;
      }
      this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
      if (!expired) this.cookies.push({ name, value, path });
    }
  }

  /** Sets a cookie by hand (for tampering with one). */
  set(name: string, value: string, path = '/'): void {
    this.cookies = this.cookies.filter((c) => !(c.name === name && c.path === path));
    this.cookies.push({ name, value, path });
  }

  names(): string[] {
    return this.cookies.map((c) => c.name);
  }

  /** The value of a cookie (at any path), or undefined. */
  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  /** Copies every cookie of `other` into this jar, as an attacker planting cookies would. */
  plant(other: CookieJar): void {
    for (const c of other.cookies) this.set(c.name, c.value, c.path);
  }
}

/** One request with the jar's cookies; redirects are not followed. */
export async function browse(jar: CookieJar, url: string, init: RequestInit = {}): Promise<Response> {
  const cookie = jar.header(url);
  const response = await fetch(url, {
    ...init,
    redirect: 'manual',
    headers: { ...(init.headers as Record<string, string> | undefined), ...(cookie ? { cookie } : {}) },
  });
  jar.take(response);
  return response;
}

/**
 * Follows redirects from `url` while they stay on `origin` (the provider), as a browser would, and
 * returns the first response that leaves it or is not a redirect, with its absolute location.
 */
export async function follow(
  jar: CookieJar,
  url: string,
  origin = new URL(url).origin,
): Promise<{ response: Response; location: string | null; visited: string[] }> {
  const visited: string[] = [];
  let next = url;
  for (let hop = 0; hop < 10; hop += 1) {
    visited.push(next);
    const response = await browse(jar, next);
    const header = response.headers.get('location');
    if (response.status < 300 || response.status >= 400 || !header) return { response, location: null, visited };
    const location = new URL(header, next).href;
    await response.arrayBuffer();
    if (new URL(location).origin !== origin || !new URL(location).pathname.startsWith('/oidc')) {
      return { response, location, visited };
    }
    next = location;
  }
  throw new Error(`too many redirects from ${url}`);
}

/** GET /oidc/auth: the provider sends the browser to the sign-in page; returns the interaction uid. */
export async function startSignIn(jar: CookieJar, authorizationUrl: URL | string): Promise<{ uid: string; location: string }> {
  const response = await browse(jar, String(authorizationUrl));
  await response.arrayBuffer();
  const location = response.headers.get('location');
  if (response.status !== 303 || !location) throw new Error(`expected 303 to the sign-in page, got ${response.status} ${location}`);
  const uid = new URL(location, String(authorizationUrl)).searchParams.get('uid');
  if (!uid) throw new Error(`no interaction uid in ${location}`);
  return { uid, location };
}

/**
 * The RP-initiated logout as a browser runs it: GET the end-session URL, submit the form the provider
 * renders (it submits itself with script: xsrf plus logout=yes), and follow to where it ends.
 */
export async function signOut(jar: CookieJar, endSessionUrl: URL): Promise<{ location: string | null; status: number }> {
  const page = await browse(jar, endSessionUrl.href);
  const html = await page.text();
  if (page.status !== 200) throw new Error(`end session: ${page.status} ${html}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  const fields = [...html.matchAll(/<input type="hidden"[^>]*name="([^"]+)" value="([^"]*)"/g)].map(([, name, value]) => [name!, value!]);
  if (!action) throw new Error(`no logout form in ${html}`);
  const confirm = await browse(jar, new URL(action.replaceAll('&amp;', '&'), endSessionUrl).href, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields),
  });
  await confirm.arrayBuffer();
  const location = confirm.headers.get('location');
  return { status: confirm.status, location: location && new URL(location, endSessionUrl).href };
}

// --- the relying party ----------------------------------------------------------------------------

/** Where a server is reached and the Management API token used to set it up. */
export interface ManagedServer {
  url: string;
  token: string;
}

async function management(server: ManagedServer, path: string, body: unknown): Promise<any> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`POST ${path}: ${response.status} ${text}`);
  return JSON.parse(text);
}

export interface RelyingParty {
  id: string;
  /** Empty for public (SPA, Native) applications. */
  secret: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
}

/** An SPA (public, PKCE only) or Traditional (client secret) application with one redirect URI. */
export async function createRelyingParty(server: ManagedServer, type: 'SPA' | 'Traditional'): Promise<RelyingParty> {
  const host = `${type.toLowerCase()}-${crypto.randomBytes(4).toString('hex')}.example.com`;
  const redirectUri = `https://${host}/callback`;
  const postLogoutRedirectUri = `https://${host}/signed-out`;
  const app = await management(server, '/api/applications', {
    name: `${type} relying party`,
    type,
    oidcClientMetadata: { redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutRedirectUri] },
  });
  return { id: app.id, secret: app.secret, redirectUri, postLogoutRedirectUri };
}

export interface TestUser {
  id: string;
  username: string;
  primaryEmail: string;
  primaryPhone: string;
  name: string;
}

export async function createUser(server: ManagedServer): Promise<TestUser> {
  const x = crypto.randomBytes(4).toString('hex');
  return management(server, '/api/users', {
    username: `u_${x}`,
    primaryEmail: `user.${x}@example.com`,
    primaryPhone: `1555${parseInt(x, 16) % 10_000_000}`,
    name: `User ${x}`,
  });
}

/**
 * openid-client's view of the provider for `rp`. `discoveryUrl` is the issuer (checked against the
 * metadata) or, to reach a process by its own port under a shared issuer name, its well-known URL.
 */
export function relyingPartyConfig(rp: RelyingParty, discoveryUrl: string): Promise<client.Configuration> {
  const auth = rp.secret ? client.ClientSecretBasic(rp.secret) : client.None();
  return client.discovery(new URL(discoveryUrl), rp.id, rp.secret || undefined, auth, {
    execute: [client.allowInsecureRequests],
  });
}

export interface AuthorizationRequest {
  url: URL;
  codeVerifier: string;
  nonce: string;
  state: string;
}

/** An authorization URL with PKCE S256, a nonce and a state; `extra` adds or overrides parameters. */
export async function authorizationRequest(
  config: client.Configuration,
  rp: RelyingParty,
  scope: string,
  extra: Record<string, string> = {},
): Promise<AuthorizationRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: rp.redirectUri,
    scope,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...extra,
  });
  return { url, codeVerifier, nonce, state };
}

/** Exchanges the code in the callback URL, checking PKCE, state, nonce and the ID token. */
export function exchange(config: client.Configuration, callback: string, request: AuthorizationRequest, parameters?: Record<string, string>) {
  return client.authorizationCodeGrant(
    config,
    new URL(callback),
    { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state },
    parameters,
  );
}

/** The JSON body of a raw token request (for answers openid-client would only throw on). */
export async function tokenRequest(config: client.Configuration, rp: RelyingParty, body: Record<string, string>) {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const params = new URLSearchParams(body);
  if (rp.secret) headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(rp.id)}:${encodeURIComponent(rp.secret)}`).toString('base64')}`;
  else params.set('client_id', rp.id);
  const response = await fetch(config.serverMetadata().token_endpoint!, { method: 'POST', headers, body: params });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** GET userinfo with a bearer token: status and body (JSON on success, the WWW-Authenticate error otherwise). */
export async function userinfo(config: client.Configuration, accessToken: string) {
  const response = await fetch(config.serverMetadata().userinfo_endpoint!, { headers: { authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null, wwwAuthenticate: response.headers.get('www-authenticate') };
}
