// Every public route is in the OpenAPI 3.1 document with its request and response schemas, and the
// human-readable reference is served.
import { describe, expect, it } from 'vitest';
import { useTestApp } from './helpers/app.ts';

// /metrics is on the public port (and so documented) only with a metrics token in production.
const t = useTestApp({ env: { VERITY_METRICS_TOKEN: 'metrics-token-0123456789abcdef' } });

const BODYLESS = new Set([
  '/api/experience/submit',
  '/api/experience/profile/mfa/mfa-skipped',
  '/api/experience/verification/totp/secret',
  '/api/experience/verification/web-authn/registration',
  '/api/experience/verification/web-authn/authentication',
  '/api/experience/verification/backup-code/generate',
]);

describe('/api/swagger.json', () => {
  it('documents every public route with schemas', async () => {
    const res = await fetch(`${t.url}/api/swagger.json`);
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([p, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(ops).toEqual(
      expect.arrayContaining([
        'DELETE /otp/{otpId}', 'GET /api/status', 'GET /metrics', 'GET /otp/{otpId}', 'POST /otp', 'POST /otp/{otpId}',
        'POST /api/verification-codes', 'POST /api/verification-codes/verify',
        'PUT /api/experience', 'POST /api/experience/verification/password', 'POST /api/experience/identification',
        'POST /api/experience/submit', 'GET /api/logs', 'GET /api/roles', 'GET /api/sso-connectors',
        'GET /api/experience/sso-connectors', 'POST /api/experience/verification/sso/{connectorId}/authorization-uri',
        'POST /api/experience/verification/sso/{connectorId}/verify', 'POST /api/authn/single-sign-on/saml/{connectorId}',
        'POST /api/verifications/password', 'POST /api/verifications/verification-code', 'POST /api/verifications/verification-code/verify',
        'POST /api/verifications/social', 'POST /api/verifications/social/verify', 'GET /api/my-account', 'PATCH /api/my-account',
        'PATCH /api/my-account/profile', 'POST /api/my-account/password', 'POST /api/my-account/primary-email',
        'DELETE /api/my-account/primary-email', 'POST /api/my-account/primary-phone', 'DELETE /api/my-account/primary-phone',
        'POST /api/my-account/identities', 'DELETE /api/my-account/identities/{target}', 'GET /api/account-center', 'PATCH /api/account-center',
        'GET /api/.well-known/sign-in-exp', 'GET /sign-in', 'GET /register', 'GET /forgot-password', 'GET /callback/social/{connectorId}',
        'GET /callback/sso/{connectorId}', 'GET /assets/{*}',
      ]),
    );
    // nothing under /oidc (the provider documents itself through discovery), no CORS preflight, and no undocumented shapes
    expect(ops.filter((op) => op.includes('/oidc') || op.startsWith('OPTIONS'))).toEqual([]);
    for (const op of ops.filter((o) => /\/api\/(verifications|my-account)/.test(o))) {
      const [method, p] = op.split(' ') as [string, string];
      expect(doc.paths[p][method.toLowerCase()].security, op).toEqual([{ UserAccessToken: [] }]);
    }
    for (const [p, methods] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      for (const [method, op] of Object.entries(methods)) {
        // (The SAML assertion consumer route succeeds by redirecting the browser: a 302.)
        const success = Object.keys(op.responses ?? {}).filter((s) => s.startsWith('2') || s === '302');
        expect(success.length, `${method} ${p} documents a success response`).toBeGreaterThan(0);
        // Operations that take no body: a connector test's is free-form; submit, the MFA skip and the
        // routes that start a factor (a TOTP secret, a WebAuthn challenge, backup codes) have none.
        if (['post', 'put', 'patch'].includes(method) && !p.endsWith('/test') && !BODYLESS.has(p))
          expect(
            (op.requestBody?.content?.['application/json'] ?? op.requestBody?.content?.['application/x-www-form-urlencoded'])?.schema,
            `${method} ${p} documents its body`,
          ).toBeTruthy();
      }
    }
    const create = doc.paths['/otp'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(Object.keys(body.properties)).toEqual([
      'phoneNumber', 'countryIso', 'from', 'template', 'trackId', 'ttl', 'maxAttempts', 'pinType', 'pinLength', 'otpCallbackUrl',
    ]);
    expect(body.required).toEqual(['phoneNumber']);
    const created = create.responses['201'].content['application/json'].schema;
    expect(created.required).toHaveLength(13);
    for (const status of ['400', '401', '429']) {
      expect(create.responses[status].content['application/json'].schema.properties.error.required.sort()).toEqual(
        ['code', 'message', 'type', 'uri'],
      );
    }
    expect(doc.paths['/otp/{otpId}'].post.requestBody.content['application/json'].schema.required).toEqual(['pin']);
    expect(doc.components.securitySchemes.ApiKeyAuth).toMatchObject({ type: 'apiKey', name: 'X-API-KEY', in: 'header' });
  });

  it('serves the reference page', async () => {
    const res = await fetch(`${t.url}/api/docs/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });
});
