// What a browser sees on an http public URL (issue 8 §3): the security headers of every HTML page —
// the API reference and its files, and the pages the provider writes itself (logout, signed out,
// form_post, errors) — with a CSP whose only inline scripts are the ones it names by hash, and
// RP-initiated logout that asks unless an id_token_hint names the signed-in account.
import crypto from 'node:crypto';
import * as client from 'openid-client';
import { beforeAll, describe, expect, it } from 'vitest';
import { finishInteraction } from '../../src/oidc/interaction.ts';
import { useTestApp } from '../helpers/app.ts';
import {
  CookieJar,
  authorizationRequest,
  browse,
  createRelyingParty,
  createUser,
  exchange,
  follow,
  relyingPartyConfig,
  startSignIn,
  type ManagedServer,
  type RelyingParty,
  type TestUser,
} from '../helpers/oidc-flow.ts';
import { managementToken } from '../helpers/tokens.ts';

const t = useTestApp();
const server = {} as ManagedServer;
let spa: RelyingParty;
let user: TestUser;
let other: TestUser;

beforeAll(async () => {
  Object.assign(server, { url: t.url, token: await managementToken(t) });
  [spa, user, other] = await Promise.all([createRelyingParty(server, 'SPA'), createUser(server), createUser(server)]);
});

/** The CSP of a response as directive → sources. */
function policy(response: Response): Record<string, string[]> {
  const header = response.headers.get('content-security-policy');
  expect(header, `CSP of ${response.url}`).toBeTruthy();
  return Object.fromEntries(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...sources]) => [name!, sources]),
  );
}

/** The headers every page must carry on an http public URL. */
function expectPageHeaders(response: Response) {
  const csp = policy(response);
  expect(Object.values(csp).flat()).not.toContain("'unsafe-inline'");
  expect(Object.values(csp).flat()).not.toContain("'unsafe-eval'");
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'none'"]);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('strict-transport-security')).toBeNull();
  return csp;
}

/** Every inline script of a page must be allowed by its sha256 in script-src; returns how many. */
function expectInlineScriptsHashed(html: string, csp: Record<string, string[]>): number {
  const inline = [...html.matchAll(/<script(\s[^>]*)?>([\s\S]*?)<\/script>/g)].filter(([, attributes]) => !/\bsrc=/.test(attributes ?? ''));
  for (const [, , body] of inline) {
    const hash = `'sha256-${crypto.createHash('sha256').update(body!).digest('base64')}'`;
    expect(csp['script-src'], 'the inline script runs by its hash').toContain(hash);
  }
  return inline.length;
}

/** A browser signed in at the provider (finished in-process, as the authorization-code suite does). */
async function signedIn(account: TestUser, extra: Record<string, string> = {}) {
  const config = await relyingPartyConfig(spa, t.config.issuer);
  const jar = new CookieJar();
  const request = await authorizationRequest(config, spa, 'openid', extra);
  const { uid } = await startSignIn(jar, request.url);
  const { redirectTo } = await finishInteraction(t.app.oidcProvider, uid, { accountId: account.id });
  return { config, jar, request, redirectTo };
}

describe('the API reference', () => {
  it('/api/docs and every file it loads carry the headers; it loads only same-origin files, no inline script', async () => {
    const page = await fetch(`${t.url}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = expectPageHeaders(page);
    expect(csp['script-src']).toEqual(["'self'"]);
    const html = await page.text();
    expect(expectInlineScriptsHashed(html, csp)).toBe(0);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map(([, ref]) => new URL(ref!, page.url));
    expect(assets.length).toBeGreaterThanOrEqual(5);
    for (const asset of assets) {
      expect(asset.origin, 'same origin: allowed by self').toBe(t.url);
      const response = await fetch(asset);
      expect(response.status, asset.pathname).toBe(200);
      expectPageHeaders(response);
      await response.arrayBuffer();
    }
    const scripts = [...html.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map(([, ref]) => new URL(ref!, page.url));
    expect(scripts).toHaveLength(3);
    for (const script of scripts) {
      const response = await fetch(script);
      expect(response.headers.get('content-type')).toMatch(/^application\/javascript/);
      // Read every body: an unread megabyte stalls the server's write, and app.close() waits for it.
      await response.arrayBuffer();
    }
    // what swagger-initializer.js fetches, from the same origin (connect-src 'self')
    const initializer = await (await fetch(scripts.find((s) => s.pathname.endsWith('swagger-initializer.js'))!)).text();
    expect(initializer).toContain("resolveUrl('./json')");
    const json = await fetch(`${t.url}/api/docs/json`);
    expect(json.status).toBe(200);
    await json.arrayBuffer();
  });

  it('JSON answers of /api carry them too', async () => {
    const response = await fetch(`${t.url}/api/users`);
    expect(response.status).toBe(401);
    expectPageHeaders(response);
    await response.arrayBuffer();
  });
});

describe('pages the provider writes', () => {
  it('an error page (unknown client) carries the headers', async () => {
    const response = await fetch(`${t.url}/oidc/auth?client_id=nosuchclient&response_type=code&scope=openid`);
    expect(response.status).toBe(400);
    const csp = expectPageHeaders(response);
    expect(csp['form-action']).toBeUndefined();
    expect(await response.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('response_mode=form_post: the page posts the code to the client by a script the CSP names by hash', async () => {
    const { jar, redirectTo } = await signedIn(user, { response_mode: 'form_post' });
    const response = await browse(jar, redirectTo);
    expect(response.status).toBe(200);
    const csp = expectPageHeaders(response);
    const html = await response.text();
    expect(html).toContain(`action="${spa.redirectUri}"`);
    expect(html).toMatch(/name="code" value="[^"]+"/);
    expect(expectInlineScriptsHashed(html, csp)).toBe(1);
  });

  it('the signed-out page carries the headers', async () => {
    const response = await fetch(`${t.url}/oidc/session/end/success`);
    expect(response.status).toBe(200);
    expectPageHeaders(response);
    expect(await response.text()).toContain('Signed out.');
  });
});

describe('cookies on an http public URL', () => {
  it('the interaction cookies are HttpOnly and SameSite=Lax, not Secure (a browser would drop them over http)', async () => {
    const config = await relyingPartyConfig(spa, t.config.issuer);
    const request = await authorizationRequest(config, spa, 'openid');
    const response = await fetch(request.url, { redirect: 'manual' });
    await response.arrayBuffer();
    const lines = response.headers.getSetCookie();
    expect(lines.map((l) => l.slice(0, l.indexOf('=')))).toEqual(
      expect.arrayContaining(['_interaction', '_interaction.sig', '_interaction_resume', '_interaction_resume.sig']),
    );
    for (const line of lines) {
      const attributes = line.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toEqual(expect.arrayContaining(['httponly', 'samesite=lax']));
      expect(attributes).not.toContain('secure');
    }
  });
});

/** The logout page for `jar`: its form's action, the xsrf value and the page itself. */
async function logoutPage(jar: CookieJar, url: URL | string) {
  const response = await browse(jar, String(url));
  expect(response.status).toBe(200);
  const csp = expectPageHeaders(response);
  const html = await response.text();
  const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!.replaceAll('&amp;', '&');
  const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
  return { csp, html, action: new URL(action, String(url)).href, xsrf };
}

const confirm = (jar: CookieJar, action: string, fields: Record<string, string>) =>
  browse(jar, action, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields) });

/** Whether the browser is still signed in: a new authorization goes straight back to the client. */
async function stillSignedIn(jar: CookieJar, config: client.Configuration) {
  const again = await authorizationRequest(config, spa, 'openid');
  const { location } = await follow(jar, again.url.href);
  return location!.startsWith(`${spa.redirectUri}?code=`);
}

describe('RP-initiated logout', () => {
  it('without id_token_hint it asks, with no script: Sign out ends the session, nothing happens before', async () => {
    const { config, jar, redirectTo } = await signedIn(user);
    await follow(jar, redirectTo);
    const { csp, html } = await logoutPage(jar, `${t.url}/oidc/session/end`);
    expect(expectInlineScriptsHashed(html, csp)).toBe(0);
    expect(html).not.toContain('<script');
    expect(html).toMatch(/<button type="submit" form="op.logoutForm" name="logout" value="yes"[^>]*>Sign out<\/button>/);
    expect(html).toMatch(/<button type="submit" form="op.logoutForm">Stay signed in<\/button>/);
    // showing the page signed nobody out
    expect(await stillSignedIn(jar, config)).toBe(true);
    // the user presses "Sign out" (on a page shown anew: each showing has its own xsrf value)
    const { action, xsrf } = await logoutPage(jar, `${t.url}/oidc/session/end`);
    const signedOut = await confirm(jar, action, { xsrf, logout: 'yes' });
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe(`${t.config.issuer}/session/end/success`);
    expect(await stillSignedIn(jar, config)).toBe(false);
  });

  it('"Stay signed in" keeps the session', async () => {
    const { config, jar, redirectTo } = await signedIn(user);
    await follow(jar, redirectTo);
    const { action, xsrf } = await logoutPage(jar, `${t.url}/oidc/session/end`);
    const stayed = await confirm(jar, action, { xsrf });
    expect(stayed.status).toBe(303);
    expect(await stillSignedIn(jar, config)).toBe(true);
  });

  it('with an id_token_hint for the signed-in account it submits itself, by a script the CSP names by hash', async () => {
    const { config, jar, request, redirectTo } = await signedIn(user);
    const { location } = await follow(jar, redirectTo);
    const tokens = await exchange(config, location!, request);
    const url = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: spa.postLogoutRedirectUri });
    const { csp, html, action, xsrf } = await logoutPage(jar, url);
    expect(expectInlineScriptsHashed(html, csp)).toBe(1);
    expect(html).toContain('<input type="hidden" form="op.logoutForm" name="logout" value="yes">');
    const signedOut = await confirm(jar, action, { xsrf, logout: 'yes' });
    expect(signedOut.headers.get('location')).toBe(spa.postLogoutRedirectUri);
    expect(await stillSignedIn(jar, config)).toBe(false);
  });

  it('an id_token_hint of another account does not sign this one out unasked', async () => {
    const first = await signedIn(other);
    const { location: otherCallback } = await follow(first.jar, first.redirectTo);
    const otherTokens = await exchange(first.config, otherCallback!, first.request);
    const { config, jar, redirectTo } = await signedIn(user);
    await follow(jar, redirectTo);
    const url = client.buildEndSessionUrl(config, { id_token_hint: otherTokens.id_token! });
    const { html } = await logoutPage(jar, url);
    expect(html).not.toContain('<script');
    expect(html).toContain('Sign out?');
    expect(await stillSignedIn(jar, config)).toBe(true);
  });
});
