// E13 (new TOTP secret) and E14 (verify a TOTP code) over HTTP against experience-api.md: every
// status and code; a new secret verified, bound (E22) and written at submit, sealed at rest; sign-in
// with a bound TOTP by the app's clock: this step and one either side, each step once, never an
// earlier one; wrong codes in the identifier's lockout; audit rows without codes or secrets; and on
// PostgreSQL, parallel uses of one code of which exactly one wins.
import { describe, expect, it } from 'vitest';
import { generateTotpSecret, otpauthUri, qrCodeDataUrl, totpAt, totpStep, TOTP_PERIOD_SECONDS } from '../../src/crypto/totp.ts';
import { findFactor, insertTotp } from '../../src/storage/repos/mfa-factors.ts';
import { onPostgres } from '../helpers/db.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite();

const E4 = '/api/experience/submit';
const E6 = '/api/experience/verification/password';
const E13 = '/api/experience/verification/totp/secret';
const E14 = '/api/experience/verification/totp/verify';
const E22 = '/api/experience/profile/mfa';
const STEP_MS = TOTP_PERIOD_SECONDS * 1000;
const MINUTE = 60_000;
const err = (status: number, code: string) => ({ status, body: expect.objectContaining({ code, message: expect.any(String) }) });
const invalidCode = err(400, 'session.mfa.invalid_totp_code');
const blocked = err(400, 'session.verification_blocked_too_many_attempts');
const MFA_TOTP = { mfa: { factors: ['Totp'], policy: 'UserControlled' } };

/** The app's clock moved to 1 s into a step well ahead of it (forward only: other tests' steps stay used). */
function nextStep(): number {
  const step = totpStep(x.t.clock.now()) + 10;
  x.t.clock.set(new Date(step * STEP_MS + 1000));
  return step;
}

/** A secret whose codes for the steps around `step` (±3) are all different, so that "another
 *  step's code" never equals one inside the window by chance. */
function secretAround(step: number): string {
  for (;;) {
    const secret = generateTotpSecret();
    const codes = [-3, -2, -1, 0, 1, 2, 3].map((o) => totpAt(secret, step + o));
    if (new Set(codes).size === codes.length) return secret;
  }
}

/** A 6-digit code none of the window's codes equals. */
const wrongCode = (secret: string, step: number) => {
  const window = new Set([-1, 0, 1].map((o) => totpAt(secret, step + o)));
  for (let n = 0; ; n += 1) if (!window.has(String(n).padStart(6, '0'))) return String(n).padStart(6, '0');
};

/** An interaction signed in (E6 password, E3) as a user of `fields`. */
async function identified(fields: Record<string, unknown> = {}) {
  const user = await x.newUser(fields);
  return { user, s: await x.identified(user.username) };
}

/** A user with a bound TOTP (sealed as submit stores it) and an interaction identified as it. */
async function withTotp(step: number) {
  const { user, s } = await identified();
  const secret = secretAround(step);
  await insertTotp(x.t.db, { id: `f_${x.unique()}`, userId: user.id, sealedSecret: x.t.keyring.encrypt(secret), now: x.t.clock.now() });
  return { user, s, secret };
}

const stateOf = async (s: ExperienceSession) =>
  (await x.t.db.query<{ state: any }>('SELECT state FROM experience_interactions WHERE uid = $1', [s.uid]))[0]!.state;

describe('E13 POST /verification/totp/secret', () => {
  it('200 {verificationId, secret (base32, 32 chars), secretQrCode (PNG of the otpauth URI: server host, user email)}', async () => {
    const email = `ann.${x.unique()}@example.com`;
    const { s } = await identified({ primaryEmail: email });
    const res = await s.call('POST', E13);
    expect(res).toEqual({ status: 200, body: { verificationId: expect.stringMatching(/^[a-z0-9]{21}$/), secret: expect.stringMatching(/^[A-Z2-7]{32}$/), secretQrCode: expect.any(String) } });
    const { secret, secretQrCode } = res.body;
    expect(secretQrCode).toMatch(/^data:image\/png;base64,/);
    expect(Buffer.from(secretQrCode.split(',')[1], 'base64').subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(secretQrCode).toBe(await qrCodeDataUrl(otpauthUri(secret, new URL(x.t.url).host, email)));
    // the account falls back to the username when the user has no email
    const other = await identified();
    const { body } = await other.s.call('POST', E13);
    expect(body.secretQrCode).toBe(await qrCodeDataUrl(otpauthUri(body.secret, new URL(x.t.url).host, other.user.username)));
  });

  it('the record holds the secret sealed, never in plain text; a second E13 replaces the first (its id → 404)', async () => {
    const { s } = await identified();
    const first = (await s.call('POST', E13)).body;
    const second = (await s.call('POST', E13)).body;
    expect(second.secret).not.toBe(first.secret);
    const records = (await stateOf(s)).verificationRecords.filter((r: any) => r.type === 'Totp');
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ id: second.verificationId, verified: false });
    expect(JSON.stringify(records[0])).not.toContain(second.secret);
    expect(x.t.keyring.decrypt(records[0].secret)).toBe(second.secret);
    const step = nextStep();
    expect(await s.call('POST', E14, { code: totpAt(first.secret, step), verificationId: first.verificationId })).toEqual(
      err(404, 'session.verification_session_not_found'),
    );
  });

  it('404 session.interaction_not_found without experience state, 404 session.identifier_not_found before E3', async () => {
    const none = await x.session(null);
    expect(await none.call('POST', E13)).toEqual(err(404, 'session.interaction_not_found'));
    expect(await none.call('POST', E14, { code: '123456' })).toEqual(err(404, 'session.interaction_not_found'));
    const s = await x.session('SignIn');
    expect(await s.call('POST', E13)).toEqual(err(404, 'session.identifier_not_found'));
    expect(await s.call('POST', E14, { code: '123456' })).toEqual(err(404, 'session.identifier_not_found'));
    expect(await s.call('POST', E14, { code: '123456', verificationId: 'whatever' })).toEqual(err(404, 'session.identifier_not_found'));
  });
});

describe('E14 POST /verification/totp/verify with a verificationId (a new secret)', () => {
  it('a right code verifies the record; E22 binds it; submit writes the TOTP to the user, sealed', async () => {
    await x.settings(MFA_TOTP);
    const { user, s } = await identified();
    const { verificationId, secret } = (await s.call('POST', E13)).body;
    const step = nextStep();
    // not verified yet: E22 refuses
    expect(await s.call('POST', E22, { type: 'Totp', verificationId })).toEqual(err(400, 'session.verification_failed'));
    expect(await s.call('POST', E14, { code: wrongCode(secret, step), verificationId })).toEqual(invalidCode);
    expect(await s.call('POST', E14, { code: totpAt(secret, step + 1), verificationId })).toEqual({ status: 200, body: { verificationId } });
    expect((await stateOf(s)).verificationRecords.find((r: any) => r.id === verificationId)).toMatchObject({ verified: true });
    expect(await s.call('POST', E22, { type: 'Totp', verificationId })).toEqual({ status: 204, body: null });
    expect(await findFactor(x.t.db, user.id, 'Totp')).toBeNull(); // staged only
    const submitted = await s.call('POST', E4);
    expect(submitted).toEqual({ status: 200, body: { redirectTo: expect.any(String) } });
    const factor = await findFactor(x.t.db, user.id, 'Totp');
    expect(factor).not.toBeNull();
    expect(factor!.totp_secret).not.toContain(secret);
    expect(x.t.keyring.decrypt(factor!.totp_secret!)).toBe(secret);
    // the next sign-in needs it, and the app's code proves it
    const next = await x.identified(user.username);
    expect(await next.call('POST', E4)).toEqual(err(403, 'session.mfa.require_mfa_verification'));
    x.t.clock.advance(2 * STEP_MS);
    expect((await next.call('POST', E14, { code: totpAt(secret, step + 2) })).status).toBe(200);
    expect((await next.call('POST', E4)).status).toBe(200);
  });

  it('404 session.verification_session_not_found for an unknown id, another type’s id, or another user’s record', async () => {
    const { s } = await identified();
    const step = nextStep();
    expect(await s.call('POST', E14, { code: '123456', verificationId: 'no-such-record' })).toEqual(err(404, 'session.verification_session_not_found'));
    const password = (await stateOf(s)).verificationRecords.find((r: any) => r.type === 'Password');
    expect(await s.call('POST', E14, { code: '123456', verificationId: password.id })).toEqual(err(404, 'session.verification_session_not_found'));
    // a Totp record naming another user (planted in the stored state)
    const { verificationId, secret } = (await s.call('POST', E13)).body;
    const state = await stateOf(s);
    for (const r of state.verificationRecords) if (r.id === verificationId) r.userId = (await x.newUser()).id;
    await x.t.db.query('UPDATE experience_interactions SET state = $2 WHERE uid = $1', [s.uid, state]);
    expect(await s.call('POST', E14, { code: totpAt(secret, step), verificationId })).toEqual(err(404, 'session.verification_session_not_found'));
  });

  it('400 session.mfa.invalid_totp_code for a record without a pending secret (an MFA proof)', async () => {
    const step = nextStep();
    const { s, secret } = await withTotp(step);
    const { body } = await s.call('POST', E14, { code: totpAt(secret, step) });
    expect(await s.call('POST', E14, { code: totpAt(secret, step + 1), verificationId: body.verificationId })).toEqual(invalidCode);
  });

  it('400 guard.invalid_input for a missing or empty code', async () => {
    const { s } = await identified();
    for (const body of [{}, { code: '' }, { code: 123456 }, { code: '123456', verificationId: 7 }])
      expect(await s.call('POST', E14, body)).toEqual(err(400, 'guard.invalid_input'));
  });
});

describe('E14 without a verificationId (the bound TOTP: an MFA proof)', () => {
  it('this step’s code proves the factor: submit, refused before (403), goes through', async () => {
    await x.settings(MFA_TOTP);
    const step = nextStep();
    const { user, s, secret } = await withTotp(step);
    expect(await s.call('POST', E4)).toEqual(err(403, 'session.mfa.require_mfa_verification'));
    const res = await s.call('POST', E14, { code: totpAt(secret, step) });
    expect(res).toEqual({ status: 200, body: { verificationId: expect.stringMatching(/^[a-z0-9]{21}$/) } });
    expect((await stateOf(s)).verificationRecords.find((r: any) => r.id === res.body.verificationId)).toEqual({
      id: res.body.verificationId,
      type: 'Totp',
      userId: user.id,
      verified: true,
    });
    const submitted = await s.call('POST', E4);
    expect(submitted.status).toBe(200);
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(user.id);
  });

  it('one step either side is accepted, two are not; each step once; never a step before the last accepted', async () => {
    const step = nextStep();
    const { s, secret } = await withTotp(step);
    const code = (offset: number) => ({ code: totpAt(secret, step + offset) });
    expect(await s.call('POST', E14, code(-2))).toEqual(invalidCode);
    expect(await s.call('POST', E14, code(2))).toEqual(invalidCode);
    expect((await s.call('POST', E14, code(-1))).status).toBe(200);
    expect(await s.call('POST', E14, code(-1))).toEqual(invalidCode); // replay of that step
    expect((await s.call('POST', E14, code(1))).status).toBe(200);
    expect(await s.call('POST', E14, code(0))).toEqual(invalidCode); // earlier than step + 1
    expect(await s.call('POST', E14, code(1))).toEqual(invalidCode);
    // a later interaction of the same user, later by the clock: the next step is good once
    x.t.clock.advance(2 * STEP_MS);
    expect((await s.call('POST', E14, code(2))).status).toBe(200);
    expect(await s.call('POST', E14, code(2))).toEqual(invalidCode);
  });

  it('a replay from another interaction of the same user is refused', async () => {
    const step = nextStep();
    const { user, s, secret } = await withTotp(step);
    expect((await s.call('POST', E14, { code: totpAt(secret, step) })).status).toBe(200);
    const other = await x.identified(user.username);
    expect(await other.call('POST', E14, { code: totpAt(secret, step) })).toEqual(invalidCode);
  });

  it('400 session.mfa.invalid_totp_code when the user has no TOTP', async () => {
    const { s } = await identified();
    expect(await s.call('POST', E14, { code: '123456' })).toEqual(invalidCode);
  });

  it('wrong codes count in the lockout of the identifier the user signed in with: the 5th blocks, even the right code (and password) for 10 minutes', async () => {
    const step = nextStep();
    const { user, s, secret } = await withTotp(step);
    const wrong = { code: wrongCode(secret, step) };
    for (let i = 0; i < 4; i += 1) expect(await s.call('POST', E14, wrong)).toEqual(invalidCode);
    expect(await s.call('POST', E14, wrong)).toEqual(blocked);
    expect(await s.call('POST', E14, { code: totpAt(secret, step) })).toEqual(blocked);
    expect(await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD })).toEqual(blocked);
    x.t.clock.advance(10 * MINUTE);
    // the refused right code used no step: this one is still good
    expect((await s.call('POST', E14, { code: totpAt(secret, totpStep(x.t.clock.now())) })).status).toBe(200);
  });

  it('swapping the records the lockout identifier comes from (another account’s password, a fresh verified phone) gives no more guesses', async () => {
    const step = nextStep();
    const { s, secret } = await withTotp(step);
    const mine = await x.newUser();
    const wrong = { code: wrongCode(secret, step) };
    for (let i = 0; i < 2; i += 1) expect(await s.call('POST', E14, wrong)).toEqual(invalidCode);
    // the interaction's Password record now names another account: the username no longer counts
    expect((await s.call('POST', E6, { identifier: { type: 'username', value: mine.username }, password: PASSWORD })).status).toBe(200);
    expect(await s.call('POST', E14, wrong)).toEqual(invalidCode);
    await x.verifiedCode(s, { type: 'phone', value: x.phone() });
    expect(await s.call('POST', E14, wrong)).toEqual(invalidCode);
    expect(await s.call('POST', E14, wrong)).toEqual(blocked);
    expect(await s.call('POST', E14, { code: totpAt(secret, step) })).toEqual(blocked);
  });

  it('audit rows for every attempt carry the user and the outcome, never a code or a secret', async () => {
    const step = nextStep();
    const { user, s, secret } = await withTotp(step);
    const right = totpAt(secret, step);
    const wrong = wrongCode(secret, step);
    await s.call('POST', E14, { code: wrong });
    await s.call('POST', E14, { code: right });
    const created = (await s.call('POST', E13)).body;
    const rows = await x.t.db.query<Record<string, unknown>>("SELECT * FROM audit_logs WHERE interaction_id = $1 AND method = 'Totp' ORDER BY seq", [s.uid]);
    expect(rows.map((r) => [r.key, r.result, r.user_id, (r.error as { code?: string } | null)?.code ?? null])).toEqual([
      ['Interaction.SignIn.Verification.Totp.Submit', 'Error', user.id, 'session.mfa.invalid_totp_code'],
      ['Interaction.SignIn.Verification.Totp.Submit', 'Success', user.id, null],
      ['Interaction.SignIn.Verification.Totp.Create', 'Success', user.id, null],
    ]);
    const text = JSON.stringify(rows);
    for (const value of [right, wrong, secret, created.secret]) expect(text).not.toContain(value);
  });
});

describe.skipIf(!onPostgres)('E14 races (PostgreSQL)', () => {
  it('20 parallel uses of one right code in separate interactions of one user: exactly one 200', async () => {
    const step = nextStep();
    const { user, s, secret } = await withTotp(step);
    const others: ExperienceSession[] = [];
    for (let i = 0; i < 19; i += 1) others.push(await x.identified(user.username));
    const code = { code: totpAt(secret, step) };
    const answers = await Promise.all([s, ...others].map((o) => o.call('POST', E14, code)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    for (const a of answers.filter((a) => a.status !== 200))
      expect(['session.mfa.invalid_totp_code', 'session.verification_blocked_too_many_attempts']).toContain(a.body.code);
    const factor = await findFactor(x.t.db, user.id, 'Totp');
    expect(Number(factor!.totp_step)).toBe(step);
  });
});
