// Owns the Experience suite's flow as a browser and a single-page app perform it, over the bench
// client: the authorization request with PKCE (S256) puts the provider's interaction cookies in a
// jar; the sign-in page's calls (PUT /api/experience, one verification, identification, submit)
// carry them; redirectTo is followed through the provider to the redirect URI; the code is
// exchanged at /oidc/token with the verifier. The verification is a password (username) or a code
// emailed to the address, read from the code book the bench's email recorder writes (experience.ts),
// or a password then the TOTP of the user's authenticator (each TOTP user has its own secret,
// derived from its number; the TOTP request's latency is timed as step `totp`). The `password-account`
// flow goes on, as an account page would, with the access token it got: the Account API's step-up
// password verification (POST /api/verifications/password, timed as step `account-verify`) and the
// user's own account (GET /api/my-account, step `account-read`). The `social` flow signs the user in
// through its linked account at the GitHub-like provider (experience.ts): E9 for the authorization URI,
// the provider's authorize endpoint (the browser's trip, here a direct request naming the account),
// E10 with the provider's code (Verity exchanges it and reads the user at the provider), then
// identification and submit as the others (the E9 to E10 requests timed as step `social`). The
// `password-page` flow is the password flow with the hosted sign-in page loaded as a browser without a
// cache loads it first: the page the provider redirects to, its script and stylesheet, and the public
// settings (GET /api/.well-known/sign-in-exp), timed as step `page`.
// Any unexpected answer throws, so it counts as an error.
import crypto from 'node:crypto';
import { base32Encode, totpAt, totpStep } from '../src/crypto/totp.ts';
import type { Client, JsonResponse } from './client.ts';
import type { CodeBook } from './codebook.ts';
import { expect } from './flows.ts';
import type { Flow, StepTimer } from './load.ts';

export type SignInMethod = 'password' | 'code' | 'password-totp' | 'password-account' | 'social' | 'password-page';

/** The social flow's connector and provider: bench user i is linked to provider account firstAccount + i. */
export interface SocialSpec {
  connectorId: string;
  firstAccount: number;
  redirectUri: string;
}

/** What a flow needs to sign bench users in. Plain data (crosses into the load worker). */
export interface ExperienceSpec {
  method: SignInMethod;
  /** The SPA (public client, PKCE only) and its one redirect URI. */
  clientId: string;
  redirectUri: string;
  /** Users 0 … users − 1 exist (benchUser); flows take them in turn. */
  users: number;
  /** TOTP users 0 … totpUsers − 1 exist (benchTotpUser), each with a bound TOTP (benchTotpSecret). */
  totpUsers: number;
  password: string;
  /** Where the social flow signs in (experience.ts). */
  social?: SocialSpec;
}

/** The i-th bench user's identifiers; the code book slot of its email is i. */
export const benchUser = (i: number) => ({ username: `bench_user_${i}`, email: `bench.user.${i}@example.com` });
/** The i-th bench user with a TOTP, and its authenticator's secret. */
export const benchTotpUser = (i: number) => ({ username: `bench_totp_user_${i}`, email: `bench.totp.user.${i}@example.com` });
export const benchTotpSecret = (i: number) => base32Encode(crypto.createHash('sha1').update(`bench-totp-${i}`).digest());

/** A browser's cookie store for one host: cookies by name and path, sent where the path matches. */
function cookieJar() {
  const cookies = new Map<string, { name: string; value: string; path: string }>();
  return {
    header(path: string): string {
      const matching = [...cookies.values()].filter((c) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`));
      return matching.map((c) => `${c.name}=${c.value}`).join('; ');
    },
    take(response: JsonResponse): void {
      for (const line of response.headers['set-cookie'] ?? []) {
        const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
        const eq = pair.indexOf('=');
        const cookie = { name: pair.slice(0, eq), value: pair.slice(eq + 1), path: '/' };
        let gone = cookie.value === '';
        for (const attribute of attributes) {
          const [key = '', value = ''] = attribute.split('=');
          const lower = key.toLowerCase();
          if (lower === 'path') cookie.path = value;
          else if (lower === 'expires') gone ||= Date.parse(value) <= Date.now();
          else if (lower === 'max-age') gone ||= Number(value) <= 0;
        }
        const key = `${cookie.name};${cookie.path}`;
        if (gone) cookies.delete(key);
        else cookies.set(key, cookie);
      }
    },
  };
}

const base64url = (bytes: number) => crypto.randomBytes(bytes).toString('base64url');
const JSON_TYPE = { 'content-type': 'application/json' };

/** Path and query of a URL on the server (the issuer's host is not the bench's address). */
const local = (url: string) => {
  const parsed = new URL(url, 'http://server');
  return `${parsed.pathname}${parsed.search}`;
};

export function experienceFlow(client: Client, spec: ExperienceSpec, book: CodeBook, firstUser: number): Flow {
  const totp = spec.method === 'password-totp';
  const scope = spec.method === 'password-account' ? 'openid profile email' : 'openid profile';
  return async (n, step) => {
    const slot = (firstUser + n) % (totp ? spec.totpUsers : spec.users);
    const user = totp ? benchTotpUser(slot) : benchUser(slot);
    const jar = cookieJar();
    const send = async (method: string, path: string, status: number, body?: unknown): Promise<JsonResponse> => {
      const cookie = jar.header(path.split('?')[0]!);
      const headers: Record<string, string> = { ...(body === undefined ? {} : JSON_TYPE), ...(cookie ? { cookie } : {}) };
      const response = await client.send({ method, path, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      jar.take(response);
      expect(response, status, `${method} ${path.split('?')[0]}`);
      return response;
    };

    // 1. The authorization request: the provider answers 303 to the sign-in page and sets the cookies.
    const verifier = base64url(32);
    const state = base64url(16);
    const query = new URLSearchParams({
      client_id: spec.clientId,
      redirect_uri: spec.redirectUri,
      response_type: 'code',
      scope,
      state,
      code_challenge: crypto.createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    });
    const toPage = await send('GET', `/oidc/auth?${query}`, 303);
    if (spec.method === 'password-page') {
      const started = performance.now();
      await pageSteps(send, toPage.headers.location ?? '');
      step('page', performance.now() - started);
    }

    // 2. The sign-in page.
    await send('PUT', '/api/experience', 204, { interactionEvent: 'SignIn' });
    let verificationId: string;
    if (spec.method === 'social') {
      const started = performance.now();
      verificationId = await socialSteps(send, spec.social!, slot);
      step('social', performance.now() - started);
    } else if (spec.method !== 'code') {
      const identifier = { type: 'username', value: user.username };
      verificationId = (await send('POST', '/api/experience/verification/password', 200, { identifier, password: spec.password })).body.verificationId;
    } else {
      const identifier = { type: 'email', value: user.email };
      const sent = await send('POST', '/api/experience/verification/verification-code', 200, { identifier, interactionEvent: 'SignIn' });
      verificationId = sent.body.verificationId;
      const code = book.take(slot);
      if (code === undefined) throw new Error(`no code recorded for ${user.email}`);
      await send('POST', '/api/experience/verification/verification-code/verify', 200, { identifier, verificationId, code });
    }
    await send('POST', '/api/experience/identification', 204, { verificationId });
    if (totp) {
      const code = totpAt(benchTotpSecret(slot), totpStep(new Date()));
      const started = performance.now();
      await send('POST', '/api/experience/verification/totp/verify', 200, { code });
      step('totp', performance.now() - started);
    }
    const { redirectTo } = (await send('POST', '/api/experience/submit', 200)).body as { redirectTo: string };

    // 3. Back through the provider (303s on /oidc) until it sends the browser to the application.
    let location = redirectTo;
    for (let hop = 0; !location.startsWith(spec.redirectUri); hop += 1) {
      if (hop === 5) throw new Error(`no redirect to the application after ${redirectTo}`);
      location = (await send('GET', local(location), 303)).headers.location ?? '';
    }
    const callback = new URL(location).searchParams;
    if (callback.get('state') !== state || !callback.get('code')) throw new Error(`callback: ${location.slice(0, 200)}`);

    // 4. The application's code exchange (public client: PKCE, no secret).
    const form = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.get('code')!,
      redirect_uri: spec.redirectUri,
      client_id: spec.clientId,
      code_verifier: verifier,
    });
    const tokens = await client.send({ method: 'POST', path: '/oidc/token', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    expect(tokens, 200, 'POST /oidc/token');
    if (!tokens.body?.id_token || !tokens.body?.access_token) throw new Error(`POST /oidc/token: ${JSON.stringify(tokens.body).slice(0, 200)}`);
    if (spec.method === 'password-account') await accountSteps(client, tokens.body.access_token as string, spec.password, step);
  };
}

type Send = (method: string, path: string, status: number, body?: unknown) => Promise<JsonResponse>;

/** The sign-in page as a browser without a cache loads it: the HTML, every /assets file it names, the settings. */
async function pageSteps(send: Send, location: string): Promise<void> {
  const html = (await send('GET', local(location), 200)).body as string;
  const assets = [...String(html).matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
  if (assets.length === 0) throw new Error('the sign-in page names no script (is web/ built?)');
  await Promise.all([...assets.map((asset) => send('GET', asset, 200)), send('GET', '/api/.well-known/sign-in-exp', 200)]);
}

/** The social verification of a `social` flow: E9, the provider's authorize, E10; its record's id. */
async function socialSteps(send: Send, social: SocialSpec, slot: number): Promise<string> {
  const path = `/api/experience/verification/social/${social.connectorId}`;
  const state = base64url(16);
  const started = (await send('POST', `${path}/authorization-uri`, 200, { state, redirectUri: social.redirectUri })).body;
  const authorize = new URL(started.authorizationUri as string);
  authorize.searchParams.set('test_user', String(social.firstAccount + slot));
  const answer = await fetch(authorize, { redirect: 'manual' });
  await answer.arrayBuffer();
  const back = new URL(answer.headers.get('location') ?? '', social.redirectUri);
  if (answer.status !== 302 || back.searchParams.get('state') !== state) throw new Error(`provider authorize: ${answer.status}`);
  const connectorData = Object.fromEntries(back.searchParams);
  await send('POST', `${path}/verify`, 200, { verificationId: started.verificationId, connectorData });
  return started.verificationId as string;
}

/** The Account API steps of a `password-account` flow, each timed on its own. */
async function accountSteps(client: Client, accessToken: string, password: string, step: StepTimer): Promise<void> {
  const authorization = `Bearer ${accessToken}`;
  let started = performance.now();
  const verified = await client.send({
    method: 'POST',
    path: '/api/verifications/password',
    headers: { ...JSON_TYPE, authorization },
    body: JSON.stringify({ password }),
  });
  expect(verified, 201, 'POST /api/verifications/password');
  step('account-verify', performance.now() - started);
  started = performance.now();
  const account = await client.send({ method: 'GET', path: '/api/my-account', headers: { authorization } });
  expect(account, 200, 'GET /api/my-account');
  if (typeof account.body?.username !== 'string') throw new Error(`GET /api/my-account: ${JSON.stringify(account.body).slice(0, 200)}`);
  step('account-read', performance.now() - started);
}
