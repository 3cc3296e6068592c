// U9–U11 (management-core-api.md §3 "MFA verifications") and S2's MFA rules over HTTP against a
// real database: every status and code of the spec rows, the stored forms of secrets (a sealed
// TOTP secret, backup codes as keyed HMACs only) and the unique indexes deciding concurrent adds.
import { describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';
import { bindTotp, bindWebAuthn, everyStoredRow } from '../helpers/mfa.ts';

const x = useExperienceSuite();

async function api(method: string, path: string, body?: unknown, bearer: string | null = x.token) {
  const response = await fetch(`${x.t.url}${path}`, {
    method,
    headers: { ...(bearer ? { authorization: `Bearer ${bearer}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
const mfaOf = (userId: string) => `/api/users/${userId}/mfa-verifications`;
const codesOf = (userId: string) => x.t.db.query<{ digest: string; used_at: Date | null }>('SELECT digest, used_at FROM user_backup_codes WHERE user_id = $1', [userId]);
const CODES = Array.from({ length: 10 }, (_, i) => `${i}a${i}b${i}c${i}d${i}e`);
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('U9 list', () => {
  it('404 for an unknown user, [] for a user without factors, 401 without a token', async () => {
    expect(await api('GET', mfaOf('no-such-user'))).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect(await api('GET', mfaOf((await x.newUser()).id))).toEqual({ status: 200, body: [] });
    expect((await api('GET', mfaOf('no-such-user'), undefined, null)).status).toBe(401);
  });

  it('each factor with its id, ISO createdAt and type; agent for WebAuthn; remainCodes counting down after a use', async () => {
    const user = await x.newUser();
    await bindTotp(x.t, user.id);
    x.t.clock.advance(1000);
    await bindWebAuthn(x.t, user.id, 'Mozilla/5.0 (X11; Linux x86_64) Test/1.0');
    x.t.clock.advance(1000);
    expect((await api('POST', mfaOf(user.id), { type: 'BackupCode', codes: CODES })).status).toBe(200);
    const listed = await api('GET', mfaOf(user.id));
    expect(listed.status).toBe(200);
    expect(listed.body.map((f: { type: string }) => f.type)).toEqual(['Totp', 'WebAuthn', 'BackupCode']);
    const [totp, webAuthn, backup] = listed.body;
    expect(Object.keys(totp).sort()).toEqual(['createdAt', 'id', 'type']);
    expect(webAuthn).toEqual({ id: expect.any(String), createdAt: expect.stringMatching(ISO), type: 'WebAuthn', agent: 'Mozilla/5.0 (X11; Linux x86_64) Test/1.0' });
    expect(backup).toEqual({ id: expect.any(String), createdAt: expect.stringMatching(ISO), type: 'BackupCode', remainCodes: 10 });
    expect(new Date(backup.createdAt).getTime() - new Date(totp.createdAt).getTime()).toBe(2000);

    // one code used in a sign-in (E20)
    await x.settings({ mfa: { factors: ['Totp', 'BackupCode'], policy: 'UserControlled' } });
    const s = await x.session('SignIn');
    const password = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    await s.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId });
    expect((await s.call('POST', '/api/experience/verification/backup-code/verify', { code: CODES[2] })).status).toBe(200);
    expect((await api('GET', mfaOf(user.id))).body[2].remainCodes).toBe(9);
  });
});

describe('U10 add', () => {
  it('404 for an unknown user; 400 guard.invalid_input for an unknown type', async () => {
    expect(await api('POST', mfaOf('no-such-user'), { type: 'Totp' })).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect(await api('POST', mfaOf('no-such-user'), { type: 'BackupCode' })).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect(await api('POST', mfaOf((await x.newUser()).id), { type: 'WebAuthn' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
  });

  it('Totp: a generated secret, sealed at rest, with its QR code; a second TOTP 422 user.totp_already_in_use', async () => {
    const user = await x.newUser();
    const added = await api('POST', mfaOf(user.id), { type: 'Totp' });
    expect(added.status).toBe(200);
    expect(Object.keys(added.body).sort()).toEqual(['secret', 'secretQrCode', 'type']);
    expect(added.body.type).toBe('Totp');
    expect(added.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(added.body.secretQrCode).toMatch(/^data:image\/png;base64,[\w+/]+=*$/);
    const [row] = await x.t.db.query<{ totp_secret: string }>(`SELECT totp_secret FROM user_mfa_factors WHERE user_id = $1`, [user.id]);
    expect(row!.totp_secret).not.toContain(added.body.secret);
    expect(x.t.keyring.decrypt(row!.totp_secret)).toBe(added.body.secret);
    expect(await api('POST', mfaOf(user.id), { type: 'Totp', secret: 'JBSWY3DPEHPK3PXP' })).toMatchObject({ status: 422, body: { code: 'user.totp_already_in_use' } });
  });

  it('Totp: a given secret is kept; one not base32 or not 16–32 chars is 422 user.totp_secret_invalid', async () => {
    for (const secret of ['JBSWY3DPEHPK3PX', 'A'.repeat(33), 'JBSWY3DPEHPK3PX1', 'JBSWY3DP EHPK3PXP', '']) {
      expect(await api('POST', mfaOf((await x.newUser()).id), { type: 'Totp', secret })).toMatchObject({ status: 422, body: { code: 'user.totp_secret_invalid' } });
    }
    for (const secret of ['JBSWY3DPEHPK3PXP', 'A'.repeat(32)]) {
      const user = await x.newUser();
      expect(await api('POST', mfaOf(user.id), { type: 'Totp', secret })).toMatchObject({ status: 200, body: { type: 'Totp', secret } });
    }
  });

  it('BackupCode: 422 backup_code_can_not_be_alone without another factor, wrong_backup_code_format, then a set, then backup_code_already_in_use', async () => {
    const user = await x.newUser();
    expect(await api('POST', mfaOf(user.id), { type: 'BackupCode' })).toMatchObject({ status: 422, body: { code: 'session.mfa.backup_code_can_not_be_alone' } });
    await bindWebAuthn(x.t, user.id);
    const wrong = [CODES.slice(0, 9), [...CODES, 'abcdefabcd'], [...CODES.slice(1), 'abcdefabc'], [...CODES.slice(1), 'abcdefabcg'], [...CODES.slice(1), 'abcdefabcd0'], []];
    for (const codes of wrong) expect(await api('POST', mfaOf(user.id), { type: 'BackupCode', codes })).toMatchObject({ status: 422, body: { code: 'user.wrong_backup_code_format' } });
    expect(await api('POST', mfaOf(user.id), { type: 'BackupCode', codes: CODES })).toEqual({ status: 200, body: { type: 'BackupCode', codes: CODES } });
    expect(await api('POST', mfaOf(user.id), { type: 'BackupCode' })).toMatchObject({ status: 422, body: { code: 'user.backup_code_already_in_use' } });
    // stored as keyed HMACs only
    const stored = await codesOf(user.id);
    expect(stored).toHaveLength(10);
    const everything = await everyStoredRow(x.t);
    for (const code of CODES) expect(everything).not.toContain(code);
  });

  it('BackupCode generated: 10 distinct codes of 10 hex chars', async () => {
    const user = await x.newUser();
    await bindTotp(x.t, user.id);
    const added = await api('POST', mfaOf(user.id), { type: 'BackupCode' });
    expect(added.status).toBe(200);
    expect(added.body.codes).toHaveLength(10);
    expect(new Set(added.body.codes).size).toBe(10);
    for (const code of added.body.codes) expect(code).toMatch(/^[\da-f]{10}$/);
  });
});

describe('U11 delete', () => {
  it('204 removes the factor; 404 entity.not_found for an unknown one, another user’s, or an unknown user', async () => {
    const user = await x.newUser();
    const other = await x.newUser();
    await bindTotp(x.t, user.id);
    await bindTotp(x.t, other.id);
    const [totp] = (await api('GET', mfaOf(user.id))).body;
    const [othersTotp] = (await api('GET', mfaOf(other.id))).body;
    expect(await api('DELETE', `${mfaOf(user.id)}/${othersTotp.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect((await api('GET', mfaOf(other.id))).body).toHaveLength(1);
    expect(await api('DELETE', `${mfaOf('no-such-user')}/${totp.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    expect(await api('DELETE', `${mfaOf(user.id)}/${totp.id}`)).toEqual({ status: 204, body: null });
    expect((await api('GET', mfaOf(user.id))).body).toEqual([]);
    expect(await api('DELETE', `${mfaOf(user.id)}/${totp.id}`)).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
  });

  it('deleting a backup-code set removes its codes', async () => {
    const user = await x.newUser();
    await bindTotp(x.t, user.id);
    await api('POST', mfaOf(user.id), { type: 'BackupCode', codes: CODES });
    const backup = (await api('GET', mfaOf(user.id))).body.find((f: { type: string }) => f.type === 'BackupCode');
    expect((await api('DELETE', `${mfaOf(user.id)}/${backup.id}`)).status).toBe(204);
    expect(await codesOf(user.id)).toEqual([]);
  });
});

describe('U10 / U11 audit', () => {
  it('each add and removal is in the audit log with the user, the factor type and the caller, never a secret', async () => {
    const user = await x.newUser();
    const added = await api('POST', mfaOf(user.id), { type: 'Totp' });
    expect(added.status).toBe(200);
    const [totp] = (await api('GET', mfaOf(user.id))).body;
    expect((await api('DELETE', `${mfaOf(user.id)}/${totp.id}`)).status).toBe(204);
    const rowsOf = async (key: string) =>
      ((await api('GET', `/api/logs?userId=${user.id}&logKey=${key}`)).body as { key: string; payload: Record<string, unknown> }[]).map((l) => l.payload);
    for (const key of ['User.MfaVerification.Create', 'User.MfaVerification.Delete']) {
      const rows = await rowsOf(key);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ key, result: 'Success', userId: user.id, method: 'Totp', applicationId: expect.any(String) });
      expect(JSON.stringify(rows[0])).not.toContain(added.body.secret);
    }
  });
});

describe.skipIf(!onPostgres)('U10 races (PostgreSQL)', () => {
  it('concurrent adds of a TOTP or of a backup-code set: exactly one 200 each, the rest 422', async () => {
    const user = await x.newUser();
    const totps = await Promise.all(Array.from({ length: 10 }, () => api('POST', mfaOf(user.id), { type: 'Totp' })));
    expect(totps.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of totps.filter((a) => a.status !== 200)) expect(a).toMatchObject({ status: 422, body: { code: 'user.totp_already_in_use' } });
    const sets = await Promise.all(Array.from({ length: 10 }, () => api('POST', mfaOf(user.id), { type: 'BackupCode' })));
    expect(sets.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of sets.filter((a) => a.status !== 200)) expect(a).toMatchObject({ status: 422, body: { code: 'user.backup_code_already_in_use' } });
    expect(await codesOf(user.id)).toHaveLength(10);
  });
});

describe('S2 MFA settings', () => {
  it('400 duplicated_mfa_factors and backup_code_cannot_be_enabled_alone, the stored MFA unchanged', async () => {
    const before = (await api('GET', '/api/sign-in-exp')).body.mfa;
    expect(await api('PATCH', '/api/sign-in-exp', { mfa: { factors: ['Totp', 'WebAuthn', 'Totp'], policy: 'Mandatory' } })).toMatchObject({
      status: 400,
      body: { code: 'sign_in_experiences.duplicated_mfa_factors' },
    });
    expect(await api('PATCH', '/api/sign-in-exp', { mfa: { factors: ['BackupCode'], policy: 'UserControlled' } })).toMatchObject({
      status: 400,
      body: { code: 'sign_in_experiences.backup_code_cannot_be_enabled_alone' },
    });
    expect((await api('GET', '/api/sign-in-exp')).body.mfa).toEqual(before);
    const accepted = await api('PATCH', '/api/sign-in-exp', { mfa: { factors: ['WebAuthn', 'BackupCode'], policy: 'Mandatory' } });
    expect(accepted).toMatchObject({ status: 200, body: { mfa: { factors: ['WebAuthn', 'BackupCode'], policy: 'Mandatory' } } });
  });
});
