// The sign-in page as the server serves it: the HTML under a strict Content-Security-Policy and
// revalidated every time, hashed assets immutable and gzipped, the public settings the page starts from
// without a secret, the interaction URL carrying ui_locales, and the demo application only where on.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_CLIENT_ID, ensureDemoApp, removeDemoApp } from '../../src/domain/apps/demo.ts';
import { loadWebFiles } from '../../src/http/web-assets.ts';
import { findApplication } from '../../src/storage/repos/applications.ts';
import { startTestApp, useTestApp } from '../helpers/app.ts';
import { managementToken } from '../helpers/tokens.ts';
import { CookieJar, authorizationRequest, createRelyingParty, relyingPartyConfig, startSignIn } from '../helpers/oidc-flow.ts';

const t = useTestApp();

async function admin(method: string, url: string, body?: unknown) {
  const response = await fetch(`${t.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${await managementToken(t)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${url}`).toBeLessThan(300);
  const text = await response.text();
  return text ? JSON.parse(text) : null;
}

describe('the pages', () => {
  it.each(['/sign-in', '/register', '/forgot-password', '/callback/social/abc', '/callback/sso/abc'])('%s is the sign-in page under a CSP without inline script', async (url) => {
    const response = await fetch(`${t.url}${url}?uid=x`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("script-src-attr 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    const html = await response.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js"><\/script>/);
    // No inline script: every <script> names a file.
    expect([...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].every(([, body]) => body!.trim() === '')).toBe(true);
  });

  it('serves the hashed files immutable, gzipped for clients that take gzip, and 404 for others', async () => {
    const html = await (await fetch(`${t.url}/sign-in`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1]!;
    const plain = await fetch(`${t.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = Buffer.from(await plain.arrayBuffer());
    // fetch decodes gzip itself; the header says it was sent compressed.
    const zipped = await fetch(`${t.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    expect(Buffer.from(await zipped.arrayBuffer()).equals(body)).toBe(true);
    expect((await fetch(`${t.url}/assets/nothing-here.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/assets/../package.json`)).status).toBe(404);
  });

  it('keeps the first screen under 60 kB of gzipped script', async () => {
    const html = await (await fetch(`${t.url}/sign-in`)).text();
    let total = 0;
    for (const [, src] of html.matchAll(/<(?:script|link)[^>]+(?:src|href)="(\/assets\/[^"]+\.js)"/g)) {
      const raw = Buffer.from(await (await fetch(`${t.url}${src}`, { headers: { 'accept-encoding': 'identity' } })).arrayBuffer());
      total += (await import('node:zlib')).gzipSync(raw).length;
    }
    expect(total).toBeGreaterThan(0);
    expect(total).toBeLessThan(60 * 1024);
  });

  it('has no demo application unless VERITY_DEMO_APP turns it on', async () => {
    expect((await fetch(`${t.url}/demo`)).status).toBe(404);
    const demo = await startTestApp({ env: { VERITY_DEMO_APP: 'true' } });
    try {
      const response = await fetch(`${demo.url}/demo`);
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('/assets/demo-');
    } finally {
      await demo.close();
    }
  });

  it('provisions the demo client for the public URL and removes it when the demo is off', async () => {
    await ensureDemoApp(t, 'http://localhost:4000');
    let row = await findApplication(t.db, DEMO_CLIENT_ID);
    expect(row?.type).toBe('SPA');
    expect(row?.oidc_client_metadata.redirectUris).toEqual(['http://localhost:4000/demo/callback']);
    await ensureDemoApp(t, 'https://id.example.com');
    row = await findApplication(t.db, DEMO_CLIENT_ID);
    expect(row?.oidc_client_metadata.redirectUris).toEqual(['https://id.example.com/demo/callback']);
    expect(await removeDemoApp(t)).toBe(true);
    expect(await findApplication(t.db, DEMO_CLIENT_ID)).toBeNull();
    expect(await removeDemoApp(t)).toBe(false);
  });

  it('keeps /assets/ paths inside /assets (no way to the pages through ..)', async () => {
    // Sent as written (a browser or fetch would normalise the dots away before sending).
    const raw = (path: string) =>
      new Promise<{ status: number; type: string }>((resolve, reject) => {
        http
          .get({ host: '127.0.0.1', port: new URL(t.url).port, path }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, type: String(res.headers['content-type']) }));
          })
          .on('error', reject);
      });
    for (const path of ['/assets/%2e%2e/index.html', '/assets/%2E%2E/sign-in', '/assets/../index.html']) {
      const response = await raw(path);
      expect(response.status, path).toBe(404);
      expect(response.type, path).toContain('application/json');
    }
  });

  it('finds no build in a directory without one (the pages then answer 503 saying how to build)', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-web-'));
    try {
      expect(loadWebFiles(empty)).toBeNull();
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('GET /api/.well-known/sign-in-exp', () => {
  it('gives the page its settings, the listed social connectors and the code channels, without secrets', async () => {
    await admin('PATCH', '/api/sign-in-exp', { passwordPolicy: { rejects: { words: ['acme-secret-word'] } }, socialSignInConnectorTargets: [] });
    const connector = await admin('POST', '/api/connectors', {
      connectorId: 'oauth2',
      metadata: { target: 'acme', name: { en: 'Acme', fr: 'Acmé' } },
      config: {
        authorizationEndpoint: 'https://idp.example.com/authorize',
        tokenEndpoint: 'https://idp.example.com/token',
        userInfoEndpoint: 'https://idp.example.com/userinfo',
        clientId: 'acme-client',
        clientSecret: 'acme-client-secret-value',
        scope: 'profile',
      },
    });
    const response = await fetch(`${t.url}/api/.well-known/sign-in-exp`);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    let body = await response.json();
    expect(body.socialConnectors).toEqual([]);
    await admin('PATCH', '/api/sign-in-exp', { socialSignInConnectorTargets: ['acme'] });
    body = await (await fetch(`${t.url}/api/.well-known/sign-in-exp`)).json();
    expect(body.socialConnectors).toEqual([{ id: connector.id, target: 'acme', name: { en: 'Acme', fr: 'Acmé' }, logo: expect.any(String), logoDark: null }]);
    expect(body.forgotPassword).toEqual({ email: false, phone: true });
    expect(body.verificationCode).toEqual({ resendIntervalSeconds: 0 });
    expect(body.passwordPolicy.rejects).toEqual({ pwned: true, repetitionAndSequence: true, userInfo: true });
    expect(Object.keys(body).sort()).toEqual(
      [
        'agreeToTermsPolicy', 'branding', 'color', 'forgotPassword', 'languageInfo', 'mfa', 'passwordPolicy', 'privacyPolicyUrl',
        'signIn', 'signInMode', 'signUp', 'singleSignOnEnabled', 'socialConnectors', 'supportEmail', 'supportWebsiteUrl',
        'termsOfUseUrl', 'unknownSessionRedirectUrl', 'verificationCode',
      ].sort(),
    );
    const text = JSON.stringify(body);
    for (const secret of ['acme-client-secret-value', 'acme-client', 'acme-secret-word', 'idp.example.com']) expect(text).not.toContain(secret);
    await admin('DELETE', `/api/connectors/${connector.id}`);
    expect((await (await fetch(`${t.url}/api/.well-known/sign-in-exp`)).json()).socialConnectors).toEqual([]);
  });
});

describe('the interaction URL', () => {
  it("carries the authorization request's ui_locales to the page", async () => {
    const server = { url: t.url, token: await managementToken(t) };
    const rp = await createRelyingParty(server, 'SPA');
    const config = await relyingPartyConfig(rp, t.config.issuer);
    const withLocales = await authorizationRequest(config, rp, 'openid', { ui_locales: 'fr-CA en' });
    const { location } = await startSignIn(new CookieJar(), withLocales.url);
    expect(new URL(location, t.url).searchParams.get('ui_locales')).toBe('fr-CA en');
    const without = await authorizationRequest(config, rp, 'openid');
    const plain = await startSignIn(new CookieJar(), without.url);
    expect(new URL(plain.location, t.url).pathname).toBe('/sign-in');
    expect(new URL(plain.location, t.url).searchParams.has('ui_locales')).toBe(false);
  });
});
