// Which relying party passkeys are bound to (VERITY_WEBAUTHN_RP_ID, VERITY_WEBAUTHN_ORIGINS): the
// configured one; in development the request's own host and origin; in production without them
// passkeys are off (400 session.mfa.mfa_factor_not_enabled), and half a configuration does not start.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/index.ts';
import { relyingPartyFor, webAuthnSettingsOf } from '../../src/domain/verification/webauthn-rp.ts';
import { createAuthenticator } from '../helpers/authenticator.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { useExperienceSuite, type ExperienceSuite } from '../helpers/experience-suite.ts';

const W = '/api/experience/verification/web-authn';
const production = { VERITY_MODE: 'production', VERITY_SECRET: 'x'.repeat(32) };

const signedIn = async (x: ExperienceSuite): Promise<ExperienceSession> => x.identified((await x.newUser()).username);

describe('configuration', () => {
  it('production takes both settings or neither; every origin is on the RP id', () => {
    expect(() => loadConfig({ ...production, VERITY_WEBAUTHN_RP_ID: 'example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, VERITY_WEBAUTHN_ORIGINS: 'https://example.com' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, VERITY_WEBAUTHN_RP_ID: 'example.com', VERITY_WEBAUTHN_ORIGINS: 'https://example.org' })).toThrow(
      /not on VERITY_WEBAUTHN_RP_ID/,
    );
    expect(() => loadConfig({ ...production, VERITY_WEBAUTHN_RP_ID: 'https://example.com', VERITY_WEBAUTHN_ORIGINS: 'https://example.com' })).toThrow(
      /host name/,
    );
    expect(() => loadConfig({ ...production, VERITY_WEBAUTHN_RP_ID: 'example.com', VERITY_WEBAUTHN_ORIGINS: 'https://example.com/login' })).toThrow(
      /must be an origin/,
    );
    const config = loadConfig({ ...production, VERITY_WEBAUTHN_RP_ID: 'Example.com', VERITY_WEBAUTHN_ORIGINS: 'https://login.example.com, https://example.com' });
    expect(relyingPartyFor(webAuthnSettingsOf(config), { hostname: 'elsewhere.test', host: 'elsewhere.test:8080' })).toEqual({
      id: 'example.com',
      name: 'example.com',
      origins: ['https://login.example.com', 'https://example.com'],
    });
  });

  it('development defaults to the request host, with the public URL’s scheme', () => {
    const config = loadConfig({ VERITY_MODE: 'development', VERITY_PUBLIC_URL: 'https://id.example.test' });
    expect(relyingPartyFor(webAuthnSettingsOf(config), { hostname: 'id.example.test', host: 'id.example.test:8443' })).toEqual({
      id: 'id.example.test',
      name: 'id.example.test',
      origins: ['https://id.example.test:8443'],
    });
  });
});

describe('production without a relying party', () => {
  const x = useExperienceSuite();
  it('E15 and E17 answer 400 session.mfa.mfa_factor_not_enabled', async () => {
    const s = await signedIn(x);
    for (const path of ['/registration', '/authentication']) expect(await s.call('POST', `${W}${path}`)).toMatchObject({ status: 400, body: { code: 'session.mfa.mfa_factor_not_enabled' } });
  });
});

describe('development without a relying party', () => {
  const x = useExperienceSuite({ env: { VERITY_MODE: 'development' } });
  it('registers a passkey for the host and origin the request came to', async () => {
    const s = await signedIn(x);
    const started = await s.call('POST', `${W}/registration`);
    expect(started.body.registrationOptions.rp.id).toBe('127.0.0.1');
    const { verificationId, registrationOptions } = started.body;
    const auth = createAuthenticator();
    const verify = (origin: string) =>
      s.call('POST', `${W}/registration/verify`, { verificationId, payload: auth.create(registrationOptions, { rpId: '127.0.0.1', origin }) });
    expect((await verify('http://localhost:1')).status).toBe(400);
    expect((await verify(new URL(x.t.url).origin)).status).toBe(200);
  });
});
