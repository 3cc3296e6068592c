// The MFA rules of the Experience API over HTTP (experience-api.md Guard P, E22, E23, E4's MFA
// checks; management-core-api.md `mfa`): a user with MFA on must prove a factor before submit and
// before E22/E23/E24, the policy decides whether binding can be skipped (and the skip is
// remembered), staged factors are checked against the enabled ones, backup codes are required when
// enabled, and the ID token's amr says which factors were proven.
import { describe, expect, it } from 'vitest';
import { totpAt, totpStep } from '../../src/crypto/totp.ts';
import { listFactors, replaceBackupCodes } from '../../src/storage/repos/mfa-factors.ts';
import { findUser } from '../../src/storage/repos/users.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';
import { bindTotp } from '../helpers/mfa.ts';

const suite = useExperienceSuite();
const mfa = (factors: string[], policy: 'UserControlled' | 'Mandatory' = 'UserControlled') => suite.settings({ mfa: { factors, policy } });

const withTotp = (userId: string) => bindTotp(suite.t, userId);
const codeOf = (secret: string, offset = 0) => totpAt(secret, totpStep(suite.t.clock.now()) + offset);

/** E13 + E14 with the right code: a verified new-bind TOTP record, and its secret. */
async function newTotp(s: ExperienceSession): Promise<{ verificationId: string; secret: string }> {
  const created = await s.call('POST', '/api/experience/verification/totp/secret');
  expect(created.status).toBe(200);
  const { verificationId, secret } = created.body;
  expect((await s.call('POST', '/api/experience/verification/totp/verify', { verificationId, code: codeOf(secret) })).status).toBe(200);
  return { verificationId, secret };
}

const bind = (s: ExperienceSession, type: string, verificationId: string) => s.call('POST', '/api/experience/profile/mfa', { type, verificationId });
const submit = (s: ExperienceSession) => s.call('POST', '/api/experience/submit');

describe('a user with MFA on must prove a factor', () => {
  it('answers 403 require_mfa_verification with the factors, then signs in with a TOTP and says so in amr', async () => {
    await mfa(['Totp', 'WebAuthn']);
    const user = await suite.newUser();
    const secret = await withTotp(user.id);
    const s = await suite.identified(user.username);
    expect(await submit(s)).toEqual({
      status: 403,
      body: expect.objectContaining({ code: 'session.mfa.require_mfa_verification', data: { availableFactors: ['Totp'] } }),
    });
    expect((await s.call('POST', '/api/experience/verification/totp/verify', { code: codeOf(secret) })).status).toBe(200);
    const submitted = await submit(s);
    expect(submitted.status).toBe(200);
    const claims = (await s.finish(submitted.body.redirectTo)).claims()!;
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(['otp', 'pwd', 'mfa']);
    expect(typeof claims.auth_time).toBe('number');
  });

  it('does not ask for a factor the sign-in experience does not enable', async () => {
    const user = await suite.newUser();
    await withTotp(user.id);
    await mfa([]);
    const s = await suite.identified(user.username);
    const submitted = await submit(s);
    expect(submitted.status).toBe(200);
    expect((await s.finish(submitted.body.redirectTo)).claims()!.amr).toEqual(['pwd']);
  });

  it('does not hold a user whose only factor is a used-up set of backup codes: it is asked to bind one', async () => {
    await mfa(['Totp', 'BackupCode'], 'Mandatory');
    const user = await suite.newUser();
    await replaceBackupCodes(suite.t.db, { id: `b${suite.unique()}`.slice(0, 21), userId: user.id, now: suite.t.clock.now(), codes: [{ digest: 'd', keyId: 'k' }] });
    await suite.t.db.query('UPDATE user_backup_codes SET used_at = now() WHERE user_id = $1', [user.id]);
    const s = await suite.identified(user.username);
    expect(await submit(s)).toEqual({ status: 422, body: expect.objectContaining({ code: 'user.missing_mfa', data: { availableFactors: ['Totp'] } }) });
  });

  it('guards E22, E23 and E24 until a factor is proven (Guard P)', async () => {
    await mfa(['Totp']);
    const user = await suite.newUser();
    await withTotp(user.id);
    const s = await suite.identified(user.username);
    const refused = { status: 403, body: expect.objectContaining({ code: 'session.mfa.require_mfa_verification' }) };
    expect(await bind(s, 'Totp', 'whatever')).toEqual(refused);
    expect(await s.call('POST', '/api/experience/profile/mfa/mfa-skipped')).toEqual(refused);
    expect(await s.call('POST', '/api/experience/profile', { type: 'username', value: `x_${suite.unique()}` })).toEqual(refused);
  });

  it('answers Guard P in its order: ForgotPassword, then identification', async () => {
    await mfa(['Totp']);
    const forgot = await suite.session('ForgotPassword');
    const code = (r: { body: { code: string } }) => r.body.code;
    expect(code(await bind(forgot, 'Totp', 'x'))).toBe('session.not_supported_for_forgot_password');
    expect((await forgot.call('POST', '/api/experience/profile/mfa/mfa-skipped')).status).toBe(400);
    const signIn = await suite.session('SignIn');
    expect(await bind(signIn, 'Totp', 'x')).toEqual({ status: 404, body: expect.objectContaining({ code: 'session.identifier_not_found' }) });
    expect((await signIn.call('POST', '/api/experience/profile/mfa/mfa-skipped')).status).toBe(404);
  });
});

describe('binding (E22)', () => {
  it('answers each refusal with its code', async () => {
    await mfa(['Totp', 'BackupCode']);
    const user = await suite.newUser();
    const s = await suite.identified(user.username);
    const codeOfCall = async (call: Promise<{ status: number; body: { code: string } }>) => {
      const r = await call;
      return `${r.status} ${r.body.code}`;
    };
    expect(await codeOfCall(bind(s, 'Totp', 'unknown'))).toBe('404 session.verification_session_not_found');
    const created = await s.call('POST', '/api/experience/verification/totp/secret');
    expect(await codeOfCall(bind(s, 'Totp', created.body.verificationId))).toBe('400 session.verification_failed');
    expect(await codeOfCall(bind(s, 'WebAuthn', created.body.verificationId))).toBe('404 session.verification_session_not_found');
    const generated = await s.call('POST', '/api/experience/verification/backup-code/generate');
    expect(await codeOfCall(bind(s, 'BackupCode', generated.body.verificationId))).toBe('422 session.mfa.backup_code_can_not_be_alone');
    await mfa(['BackupCode', 'WebAuthn']);
    const { verificationId } = await newTotp(s);
    expect(await codeOfCall(bind(s, 'Totp', verificationId))).toBe('400 session.mfa.mfa_factor_not_enabled');
    await mfa(['Totp', 'BackupCode']);
    expect((await bind(s, 'Totp', verificationId)).status).toBe(204);
    expect((await bind(s, 'BackupCode', generated.body.verificationId)).status).toBe(204);
  });

  it('refuses a second TOTP, and a proof record that sets up nothing', async () => {
    await mfa(['Totp']);
    const user = await suite.newUser();
    const secret = await withTotp(user.id);
    const s = await suite.identified(user.username);
    const proof = await s.call('POST', '/api/experience/verification/totp/verify', { code: codeOf(secret) });
    expect(proof.status).toBe(200);
    expect((await bind(s, 'Totp', proof.body.verificationId)).body.code).toBe('session.mfa.pending_info_not_found');
    // a new TOTP record replaces the proof (one record per type): the user is then unproven again
    const created = await s.call('POST', '/api/experience/verification/totp/secret');
    await s.call('POST', '/api/experience/verification/totp/verify', { verificationId: created.body.verificationId, code: codeOf(created.body.secret) });
    expect((await bind(s, 'Totp', created.body.verificationId)).body.code).toBe('session.mfa.require_mfa_verification');
  });

  it('refuses a second TOTP once the user proved another factor', async () => {
    await mfa(['Totp', 'BackupCode']);
    const user = await suite.newUser();
    await withTotp(user.id);
    const { codes } = await suite.admin('POST', `/api/users/${user.id}/mfa-verifications`, { type: 'BackupCode' });
    const s = await suite.identified(user.username);
    expect((await s.call('POST', '/api/experience/verification/backup-code/verify', { code: codes[0] })).status).toBe(200);
    const { verificationId } = await newTotp(s);
    expect(await bind(s, 'Totp', verificationId)).toEqual({ status: 422, body: expect.objectContaining({ code: 'user.totp_already_in_use' }) });
  });

  it('a new backup-code set bound at sign-in replaces the old one', async () => {
    await mfa(['Totp', 'BackupCode']);
    const user = await suite.newUser();
    const secret = await withTotp(user.id);
    const old = (await suite.admin('POST', `/api/users/${user.id}/mfa-verifications`, { type: 'BackupCode' })).codes as string[];
    const s = await suite.identified(user.username);
    expect((await s.call('POST', '/api/experience/verification/totp/verify', { code: codeOf(secret) })).status).toBe(200);
    const generated = await s.call('POST', '/api/experience/verification/backup-code/generate');
    expect((await bind(s, 'BackupCode', generated.body.verificationId)).status).toBe(204);
    expect((await submit(s)).status).toBe(200);
    const next = await suite.identified(user.username);
    const verify = (code: string) => next.call('POST', '/api/experience/verification/backup-code/verify', { code });
    expect((await verify(old[0]!)).body.code).toBe('session.mfa.invalid_backup_code');
    expect((await verify(generated.body.codes[0])).status).toBe(200);
    expect((await submit(next)).status).toBe(200);
  });

  it('writes the staged factors at submit, and refuses one disabled meanwhile', async () => {
    await mfa(['Totp', 'BackupCode']);
    const user = await suite.newUser();
    const s = await suite.identified(user.username);
    const { verificationId, secret } = await newTotp(s);
    expect((await bind(s, 'Totp', verificationId)).status).toBe(204);
    await mfa(['BackupCode', 'WebAuthn']);
    expect(await submit(s)).toEqual({ status: 400, body: expect.objectContaining({ code: 'session.mfa.mfa_factor_not_enabled' }) });
    await mfa(['Totp']);
    expect((await submit(s)).status).toBe(200);
    const rows = await listFactors(suite.t.db, user.id);
    expect(rows.map((r) => r.type)).toEqual(['Totp']);
    // The step whose code proved the new secret is used already: that code does not sign in again.
    expect(Number(rows[0]!.totp_step)).toBe(totpStep(suite.t.clock.now()));
    const next = await suite.identified(user.username);
    expect((await next.call('POST', '/api/experience/verification/totp/verify', { code: codeOf(secret) })).body.code).toBe('session.mfa.invalid_totp_code');
  });
});

describe('the policy at submit', () => {
  it('UserControlled: missing_mfa is skippable, and a skip is remembered', async () => {
    await mfa(['Totp', 'WebAuthn']);
    const user = await suite.newUser();
    const first = await suite.identified(user.username);
    expect(await submit(first)).toEqual({
      status: 422,
      body: expect.objectContaining({ code: 'user.missing_mfa', data: { availableFactors: ['Totp', 'WebAuthn'], skippable: true } }),
    });
    expect((await first.call('POST', '/api/experience/profile/mfa/mfa-skipped')).status).toBe(204);
    expect((await submit(first)).status).toBe(200);
    expect((await findUser(suite.t.db, user.id))!.mfa_skipped).toBe(true);
    const again = await suite.identified(user.username);
    expect((await submit(again)).status).toBe(200);
  });

  it('Mandatory: binding is forced, a skip is refused and an earlier one does not count', async () => {
    await mfa(['Totp'], 'UserControlled');
    const user = await suite.newUser();
    const first = await suite.identified(user.username);
    await first.call('POST', '/api/experience/profile/mfa/mfa-skipped');
    expect((await submit(first)).status).toBe(200);
    await mfa(['Totp'], 'Mandatory');
    const s = await suite.identified(user.username);
    expect(await s.call('POST', '/api/experience/profile/mfa/mfa-skipped')).toEqual({
      status: 422,
      body: expect.objectContaining({ code: 'session.mfa.mfa_policy_not_user_controlled' }),
    });
    expect(await submit(s)).toEqual({ status: 422, body: expect.objectContaining({ code: 'user.missing_mfa', data: { availableFactors: ['Totp'] } }) });
    const { verificationId } = await newTotp(s);
    expect((await bind(s, 'Totp', verificationId)).status).toBe(204);
    expect((await submit(s)).status).toBe(200);
  });

  it('asks for backup codes when they are enabled', async () => {
    await mfa(['Totp', 'BackupCode'], 'Mandatory');
    const s = await suite.session('Register');
    const username = `r_${suite.unique()}`;
    const identity = await s.call('POST', '/api/experience/verification/new-password-identity', { identifier: { type: 'username', value: username }, password: PASSWORD });
    expect((await s.call('POST', '/api/experience/identification', { verificationId: identity.body.verificationId })).status).toBe(201);
    expect((await submit(s)).body).toEqual(expect.objectContaining({ code: 'user.missing_mfa', data: { availableFactors: ['Totp'] } }));
    const { verificationId } = await newTotp(s);
    expect((await bind(s, 'Totp', verificationId)).status).toBe(204);
    expect(await submit(s)).toEqual({ status: 422, body: expect.objectContaining({ code: 'session.mfa.backup_code_required' }) });
    const generated = await s.call('POST', '/api/experience/verification/backup-code/generate');
    expect((await bind(s, 'BackupCode', generated.body.verificationId)).status).toBe(204);
    const submitted = await submit(s);
    expect(submitted.status).toBe(200);
    // A new TOTP bound at registration proves nothing yet: the user signed up with a password.
    expect((await s.finish(submitted.body.redirectTo)).claims()!.amr).toEqual(['pwd']);
  });
});
