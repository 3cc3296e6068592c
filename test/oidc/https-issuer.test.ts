// A public URL (issuer) on https, served over plain http on loopback as behind a TLS-ending proxy
// (issue 8 §3): every cookie of a whole sign-in and logout — the provider's `_interaction`,
// `_interaction_resume` and `_session` with their `.sig`, and the browser binding — is Secure,
// HttpOnly and SameSite=Lax whether or not the proxy is trusted (and when a trusted proxy says the
// hop was http); every answer carries HSTS.
import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { MANAGEMENT_API_RESOURCE } from '../../src/oidc/resources.ts';
import { useTestApp, type TestApp } from '../helpers/app.ts';
import { BASE_SETTINGS, PASSWORD } from '../helpers/experience-suite.ts';
import { CookieJar, authorizationRequest, browse, createRelyingParty, relyingPartyConfig } from '../helpers/oidc-flow.ts';

const PUBLIC_URL = 'https://verity.test';
const untrusted = useTestApp({ env: { VERITY_PUBLIC_URL: PUBLIC_URL } });
const trusted = useTestApp({ env: { VERITY_PUBLIC_URL: PUBLIC_URL, VERITY_TRUST_PROXY: 'true' } });

// The issuer is only a name: discovery and every request go to the loopback port.
const wellKnown = (t: TestApp) => `${t.url}/oidc/.well-known/openid-configuration`;

async function adminToken(t: TestApp): Promise<string> {
  const { clientId, clientSecret } = await t.newClient(true);
  const config = await client.discovery(new URL(wellKnown(t)), clientId, clientSecret, undefined, { execute: [client.allowInsecureRequests] });
  return (await client.clientCredentialsGrant(config, { resource: MANAGEMENT_API_RESOURCE, scope: 'all' })).access_token;
}

async function admin(t: TestApp, token: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status, `${method} ${path}`).toBe(200);
  return response.json();
}

const cases: { name: string; app: TestApp; headers: Record<string, string> }[] = [
  { name: 'proxy not trusted', app: untrusted, headers: {} },
  { name: 'trusted proxy saying the hop was http', app: trusted, headers: { 'x-forwarded-proto': 'http' } },
];

describe.each(cases)('https public URL, $name', ({ app: t, headers }) => {
  it('HSTS on every answer', async () => {
    for (const path of ['/api/docs', '/oidc/.well-known/openid-configuration', '/api/users', '/oidc/session/end/success']) {
      const response = await fetch(`${t.url}${path}`, { headers });
      expect(response.headers.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
      await response.arrayBuffer();
    }
  });

  it('every cookie of a sign-in through the Experience API and of the logout is Secure, HttpOnly, SameSite=Lax', async () => {
    const token = await adminToken(t);
    await admin(t, token, 'PATCH', '/api/sign-in-exp', BASE_SETTINGS);
    const rp = await createRelyingParty({ url: t.url, token }, 'SPA');
    const username = `secure_${Date.now().toString(36)}`;
    await admin(t, token, 'POST', '/api/users', { username, password: PASSWORD });
    const config = await relyingPartyConfig(rp, wellKnown(t));
    const request = await authorizationRequest(config, rp, 'openid');

    const jar = new CookieJar();
    const set: string[] = [];
    const step = async (method: string, url: string, body?: unknown, form?: Record<string, string>) => {
      const response = await browse(jar, url, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(form ? { body: new URLSearchParams(form) } : {}),
      });
      set.push(...response.headers.getSetCookie());
      expect(response.status, `${method} ${url}`).toBeLessThan(400);
      const text = await response.text();
      return { response, body: text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text };
    };

    await step('GET', request.url.href);
    await step('PUT', `${t.url}/api/experience`, { interactionEvent: 'SignIn' });
    const verified = await step('POST', `${t.url}/api/experience/verification/password`, { identifier: { type: 'username', value: username }, password: PASSWORD });
    await step('POST', `${t.url}/api/experience/identification`, { verificationId: verified.body.verificationId });
    const submitted = await step('POST', `${t.url}/api/experience/submit`);
    const resumed = await step('GET', submitted.body.redirectTo);
    expect(resumed.response.headers.get('location')).toMatch(new RegExp(`^${rp.redirectUri}\\?code=`));
    const logout = await step('GET', `${t.url}/oidc/session/end`);
    const action = /<form[^>]*action="([^"]+)"/.exec(logout.body)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(logout.body)![1]!;
    const signedOut = await step('POST', new URL(action, t.url).href, undefined, { xsrf, logout: 'yes' });
    expect(signedOut.response.status).toBe(303);

    const names = new Set(set.map((line) => line.slice(0, line.indexOf('='))));
    const provider = ['_interaction', '_interaction_resume', '_session'].flatMap((name) => [name, `${name}.sig`]);
    // Over https the binding cookie carries the __Host- prefix (Secure, Path=/, no Domain), so a copy
    // with another path or a Domain cannot be planted to shadow it.
    for (const name of [...provider, '__Host-interaction_binding']) expect(names).toContain(name);
    expect(names).not.toContain('_interaction_binding');
    const binding = set.find((line) => line.startsWith('__Host-interaction_binding='))!;
    expect(binding).toMatch(/; Path=\/(;|$)/);
    expect(binding.toLowerCase()).not.toContain('domain=');
    for (const line of set) {
      const attributes = line.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes, line).toContain('secure');
      expect(attributes, line).toContain('httponly');
      expect(attributes, line).toContain('samesite=lax');
    }
  });
});
