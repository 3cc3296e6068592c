// Whole MFA journeys through openid-client, as an application and a sign-in page live them: a user
// registers under a Mandatory policy and is made to bind a passkey and backup codes, then signs in
// with password + passkey, and later with password + a backup code when the passkey is not at hand;
// each ends at the application with tokens whose ID token says how the user signed in.
import { describe, expect, it } from 'vitest';
import { createAuthenticator, type Ceremony } from '../helpers/authenticator.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const RP: Ceremony = { rpId: 'example.test', origin: 'https://login.example.test' };
const W = '/api/experience/verification/web-authn';
const suite = useExperienceSuite({ env: { VERITY_WEBAUTHN_RP_ID: 'example.test', VERITY_WEBAUTHN_ORIGINS: 'https://login.example.test' } });

async function ok(s: ExperienceSession, method: string, path: string, body?: unknown, status = 200) {
  const answer = await s.call(method, path, body);
  expect(answer.status, `${method} ${path}: ${JSON.stringify(answer.body)}`).toBe(status);
  return answer.body;
}

describe('MFA journeys end to end', () => {
  it('register → forced to bind a passkey and backup codes → sign in with the passkey, then with a backup code', async () => {
    await suite.settings({ mfa: { factors: ['WebAuthn', 'BackupCode'], policy: 'Mandatory' } });
    const authenticator = createAuthenticator();
    const username = `mfa_${suite.unique()}`;

    // Registration: the account exists at identification; submit insists on the factors.
    const r = await suite.session('Register');
    const identity = await ok(r, 'POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: username }, password: PASSWORD });
    await ok(r, 'POST', '/api/experience/identification', { verificationId: identity.verificationId }, 201);
    expect(await r.call('POST', '/api/experience/submit')).toEqual({
      status: 422,
      body: expect.objectContaining({ code: 'user.missing_mfa', data: { availableFactors: ['WebAuthn'] } }),
    });
    expect((await r.call('POST', '/api/experience/profile/mfa/mfa-skipped')).body.code).toBe('session.mfa.mfa_policy_not_user_controlled');
    const registration = await ok(r, 'POST', `${W}/registration`);
    await ok(r, 'POST', `${W}/registration/verify`, { verificationId: registration.verificationId, payload: authenticator.create(registration.registrationOptions, RP) });
    await ok(r, 'POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId: registration.verificationId }, 204);
    expect((await r.call('POST', '/api/experience/submit')).body.code).toBe('session.mfa.backup_code_required');
    const backup = await ok(r, 'POST', '/api/experience/verification/backup-code/generate');
    expect(backup.codes).toHaveLength(10);
    await ok(r, 'POST', '/api/experience/profile/mfa', { type: 'BackupCode', verificationId: backup.verificationId }, 204);
    const registered = await r.finish((await ok(r, 'POST', '/api/experience/submit')).redirectTo);
    const userId = registered.claims()!.sub;
    expect(registered.claims()!.amr).toEqual(['pwd']);
    const factors = (await suite.admin('GET', `/api/users/${userId}/mfa-verifications`)) as { type: string; remainCodes?: number }[];
    expect(factors.map((f) => f.type).sort()).toEqual(['BackupCode', 'WebAuthn']);

    // Sign-in: the password is not enough; the passkey is the second factor.
    const s = await suite.identified(username);
    expect(await s.call('POST', '/api/experience/submit')).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'session.mfa.require_mfa_verification', data: { availableFactors: ['WebAuthn', 'BackupCode'] } }),
    });
    const challenge = await ok(s, 'POST', `${W}/authentication`);
    await ok(s, 'POST', `${W}/authentication/verify`, { verificationId: challenge.verificationId, payload: authenticator.get(challenge.authenticationOptions, RP) });
    const tokens = await s.finish((await ok(s, 'POST', '/api/experience/submit')).redirectTo);
    expect(tokens.claims()!.sub).toBe(userId);
    expect(tokens.claims()!.amr).toEqual(['hwk', 'pwd', 'mfa']);

    // Without the passkey: a backup code, used once.
    const b = await suite.identified(username);
    await ok(b, 'POST', '/api/experience/verification/backup-code/verify', { code: backup.codes[3] });
    const viaBackup = await b.finish((await ok(b, 'POST', '/api/experience/submit')).redirectTo);
    expect(viaBackup.claims()!.amr).toEqual(['otp', 'pwd', 'mfa']);
    const after = (await suite.admin('GET', `/api/users/${userId}/mfa-verifications`)) as { type: string; remainCodes?: number }[];
    expect(after.find((f) => f.type === 'BackupCode')!.remainCodes).toBe(9);
    const again = await suite.identified(username);
    expect((await again.call('POST', '/api/experience/verification/backup-code/verify', { code: backup.codes[3] })).body.code).toBe('session.mfa.invalid_backup_code');
  });
});
