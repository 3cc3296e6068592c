// E19/E20 (experience-api.md) over HTTP against a real database: a generated set's shape, binding it
// through E22, signing in with a code once and only once (also under 20 concurrent uses), a new set
// replacing the old, no plaintext code at rest, and wrong codes counting towards the lockout.
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { digestBackupCodes, generateBackupCodes, verifyBackupCode } from '../../src/domain/verification/backup-code.ts';
import { replaceBackupCodes } from '../../src/storage/repos/mfa-factors.ts';
import { onPostgres } from '../helpers/db.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { bindTotp, everyStoredRow } from '../helpers/mfa.ts';

const x = useExperienceSuite();

const E19 = '/api/experience/verification/backup-code/generate';
const E20 = '/api/experience/verification/backup-code/verify';
const E22 = '/api/experience/profile/mfa';
const E4 = '/api/experience/submit';
const MFA = { mfa: { factors: ['Totp', 'BackupCode'], policy: 'UserControlled' } };

/** A session signed in by password (E6, E3) as `username`, not yet through MFA. */
/** A user with a TOTP and a backup-code set (bound through U10); its codes. */
async function userWithCodes(): Promise<{ user: { id: string; username: string }; codes: string[] }> {
  const user = await x.newUser();
  await bindTotp(x.t, user.id);
  const { codes } = await x.admin('POST', `/api/users/${user.id}/mfa-verifications`, { type: 'BackupCode' });
  return { user, codes };
}

const remaining = async (userId: string): Promise<number> =>
  (await x.admin('GET', `/api/users/${userId}/mfa-verifications`)).find((f: { type: string }) => f.type === 'BackupCode')?.remainCodes;

describe('E19 generate', () => {
  it('answers 10 distinct codes of 10 lowercase hex chars and a verification id', async () => {
    await x.settings(MFA);
    const s = await x.identified((await x.newUser()).username);
    const generated = await s.call('POST', E19);
    expect(generated.status).toBe(200);
    expect(Object.keys(generated.body).sort()).toEqual(['codes', 'verificationId']);
    expect(generated.body.codes).toHaveLength(10);
    for (const code of generated.body.codes) expect(code).toMatch(/^[\da-f]{10}$/);
    expect(new Set(generated.body.codes).size).toBe(10);
    // a second set is another set
    const again = await s.call('POST', E19);
    expect(again.body.codes.some((c: string) => generated.body.codes.includes(c))).toBe(false);
  });

  it('E19 and E20 need an identified user: 404 session.identifier_not_found', async () => {
    const s = await x.session('SignIn');
    expect(await s.call('POST', E19)).toMatchObject({ status: 404, body: { code: 'session.identifier_not_found' } });
    expect(await s.call('POST', E20, { code: '0123456789' })).toMatchObject({ status: 404, body: { code: 'session.identifier_not_found' } });
  });

  it('E20 refuses an empty code as guard.invalid_input', async () => {
    const s = await x.identified((await x.newUser()).username);
    expect(await s.call('POST', E20, { code: '' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
  });

  it('E22 refuses a set as the only factor: 422 session.mfa.backup_code_can_not_be_alone', async () => {
    await x.settings(MFA);
    const s = await x.identified((await x.newUser()).username);
    const { verificationId } = (await s.call('POST', E19)).body;
    expect(await s.call('POST', E22, { type: 'BackupCode', verificationId })).toMatchObject({
      status: 422,
      body: { code: 'session.mfa.backup_code_can_not_be_alone' },
    });
  });
});

describe('E20 verify', () => {
  it('a user without codes: 400 session.mfa.invalid_backup_code', async () => {
    await x.settings(MFA);
    const s = await x.identified((await x.newUser()).username);
    expect(await s.call('POST', E20, { code: '0123456789' })).toMatchObject({ status: 400, body: { code: 'session.mfa.invalid_backup_code' } });
  });

  it('a code proves MFA once: submit 200, the same code again 400, another user’s code 400', async () => {
    await x.settings(MFA);
    const { user, codes } = await userWithCodes();
    const s = await x.identified(user.username);
    expect(await s.call('POST', E4)).toMatchObject({ status: 403, body: { code: 'session.mfa.require_mfa_verification' } });
    const verified = await s.call('POST', E20, { code: codes[3] });
    expect(verified.status).toBe(200);
    expect(Object.keys(verified.body)).toEqual(['verificationId']);
    expect(await remaining(user.id)).toBe(9);
    const submitted = await s.call('POST', E4);
    expect(submitted.status).toBe(200);
    await s.finish(submitted.body.redirectTo);

    const again = await x.identified(user.username);
    expect(await again.call('POST', E20, { code: codes[3] })).toMatchObject({ status: 400, body: { code: 'session.mfa.invalid_backup_code' } });
    expect(await again.call('POST', E4)).toMatchObject({ status: 403, body: { code: 'session.mfa.require_mfa_verification' } });
    // a code is bound to its user: another user's unused code is unknown here
    const other = await userWithCodes();
    expect(await again.call('POST', E20, { code: other.codes[0] })).toMatchObject({ status: 400, body: { code: 'session.mfa.invalid_backup_code' } });
    expect(await remaining(other.user.id)).toBe(10);
    // the next code works, in upper case too
    expect((await again.call('POST', E20, { code: codes[4]!.toUpperCase() })).status).toBe(200);
    expect((await again.call('POST', E4)).status).toBe(200);
  });

  it('a set bound through E22 is written at submit and its codes then prove MFA; no plaintext at rest', async () => {
    // The user's TOTP is not an enabled factor here, so binding needs no proof (a TOTP proof, E14,
    // is another module's); the user skips the enabled WebAuthn.
    await x.settings({ mfa: { factors: ['WebAuthn', 'BackupCode'], policy: 'UserControlled' } });
    const user = await x.newUser();
    await bindTotp(x.t, user.id);
    const s = await x.identified(user.username);
    const generated = (await s.call('POST', E19)).body;
    expect(await s.call('POST', E22, { type: 'BackupCode', verificationId: generated.verificationId })).toMatchObject({ status: 204 });
    // staged only until submit; a staged set is not an MFA proof
    expect(await remaining(user.id)).toBeUndefined();
    expect(await s.call('POST', E20, { code: generated.codes[0] })).toMatchObject({ status: 400, body: { code: 'session.mfa.invalid_backup_code' } });
    expect((await s.call('POST', '/api/experience/profile/mfa/mfa-skipped')).status).toBe(204);
    expect((await s.call('POST', E4)).status).toBe(200);
    expect(await remaining(user.id)).toBe(10);

    const stored = await everyStoredRow(x.t);
    for (const code of generated.codes) expect(stored).not.toContain(code);

    await x.settings(MFA);
    const next = await x.identified(user.username);
    expect((await next.call('POST', E20, { code: generated.codes[9] })).status).toBe(200);
    expect((await next.call('POST', E4)).status).toBe(200);
    expect(await remaining(user.id)).toBe(9);
  });

  it('a new set replaces the old one: the old codes are refused, the new ones accepted', async () => {
    await x.settings(MFA);
    const { user, codes: old } = await userWithCodes();
    // the old set used up (U10 adds a set only when none has an unused code)
    for (const code of old) expect((await (await x.identified(user.username)).call('POST', E20, { code })).status).toBe(200);
    const { codes } = await x.admin('POST', `/api/users/${user.id}/mfa-verifications`, { type: 'BackupCode' });
    expect(await remaining(user.id)).toBe(10);
    expect((await x.admin('GET', `/api/users/${user.id}/mfa-verifications`)).filter((f: { type: string }) => f.type === 'BackupCode')).toHaveLength(1);
    const s = await x.identified(user.username);
    expect(await s.call('POST', E20, { code: old[0] })).toMatchObject({ status: 400, body: { code: 'session.mfa.invalid_backup_code' } });
    expect((await s.call('POST', E20, { code: codes[0] })).status).toBe(200);
    expect((await s.call('POST', E4)).status).toBe(200);
    const stored = await everyStoredRow(x.t);
    for (const code of [...old, ...codes]) expect(stored).not.toContain(code);
  });

  it('wrong codes count towards the lockout: blocked within 5 tries, then even a right code is refused and not used', async () => {
    await x.settings(MFA);
    const { user, codes } = await userWithCodes();
    const s = await x.identified(user.username);
    const answers: string[] = [];
    for (let i = 0; i < 5; i += 1) answers.push((await s.call('POST', E20, { code: `ffffffff0${i}` })).body.code);
    expect(answers).toContain('session.verification_blocked_too_many_attempts');
    expect(answers.slice(0, 4)).toEqual(Array(4).fill('session.mfa.invalid_backup_code'));
    expect(await s.call('POST', E20, { code: codes[0] })).toMatchObject({ status: 400, body: { code: 'session.verification_blocked_too_many_attempts' } });
    expect(await remaining(user.id)).toBe(10);
  });
});

describe('secret rotation', () => {
  it('a code digested under a previous secret verifies while that secret is kept, and is unknown once it is dropped', async () => {
    const user = await x.newUser();
    const OLD = 'backup-old-secret-0123456789-abcdefghijklmnop';
    const NEW = 'backup-new-secret-0123456789-abcdefghijklmnop';
    const codes = generateBackupCodes();
    await replaceBackupCodes(x.t.db, { id: `set-${x.unique()}`, userId: user.id, now: x.t.clock.now(), codes: digestBackupCodes(createKeyring([OLD]), user.id, codes) });
    const deps = (secrets: string[]) => ({ db: x.t.db, clock: x.t.clock, keyring: createKeyring(secrets) });
    await expect(verifyBackupCode(deps([NEW]), 'r1', user.id, codes[0]!)).rejects.toMatchObject({ code: 'session.mfa.invalid_backup_code' });
    expect(await verifyBackupCode(deps([NEW, OLD]), 'r2', user.id, codes[0]!)).toEqual({ id: 'r2', type: 'BackupCode', userId: user.id, verified: true });
    await expect(verifyBackupCode(deps([NEW, OLD]), 'r3', user.id, codes[0]!)).rejects.toMatchObject({ code: 'session.mfa.invalid_backup_code' });
  });
});

describe.skipIf(!onPostgres)('E20 races (PostgreSQL)', () => {
  it('20 concurrent uses of one code in separate interactions: exactly one 200', async () => {
    await x.settings(MFA);
    const { user, codes } = await userWithCodes();
    const sessions: ExperienceSession[] = [];
    for (let i = 0; i < 20; i += 1) sessions.push(await x.identified(user.username));
    const answers = await Promise.all(sessions.map((s) => s.call('POST', E20, { code: codes[0] })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 200)) {
      expect(a.status).toBe(400);
      expect(['session.mfa.invalid_backup_code', 'session.verification_blocked_too_many_attempts']).toContain(a.body.code);
    }
    expect(await remaining(user.id)).toBe(9);
    const submits = await Promise.all(sessions.map((s) => s.call('POST', E4)));
    expect(submits.filter((a) => a.status === 200)).toHaveLength(1);
  });
});
