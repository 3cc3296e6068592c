// Account API A1–A5 (account-verifications-api.md) over HTTP against a real database, with real user
// access tokens: every status and code of A1–A3 (A4/A5: social.test.ts), which records are bound,
// where codes go, how long records live and whose they are, and one audit row per attempt (never the
// password or code).
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/experience-suite.ts';
import { useAccountSuite } from '../helpers/account.ts';

const suite = useAccountSuite();

const A1 = '/api/verifications/password';
const A2 = '/api/verifications/verification-code';
const A3 = '/api/verifications/verification-code/verify';
const A4 = '/api/verifications/social';
const A5 = '/api/verifications/social/verify';

type User = Awaited<ReturnType<typeof suite.signedInUser>>;
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
const error = (status: number, code: string) => ({ status, code });
const outcome = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body?.code });

/** The stored row of a record. */
async function row(id: string) {
  const rows = await suite.t.db.query<{ owner_id: string; bound: boolean; data: any; created_at: Date; expires_at: Date }>(
    'SELECT owner_id, bound, data, created_at, expires_at FROM verification_records WHERE id = $1',
    [id],
  );
  return rows[0];
}

/** The audit rows of `key` for the user, oldest first. */
const auditRows = (userId: string, key: string) =>
  suite.t.db.query<{ result: string; user_id: string; application_id: string; identifier: any; error: any; ip: string; user_agent: string }>(
    'SELECT * FROM audit_logs WHERE user_id = $1 AND key = $2 ORDER BY seq',
    [userId, key],
  );

/** A2 to `identifier`: the record id. */
async function send(user: User, identifier: { type: 'email' | 'phone'; value: string }) {
  const sent = await suite.account('POST', A2, user.accessToken, { identifier });
  expect(sent.status, JSON.stringify(sent.body)).toBe(201);
  return sent.body.verificationRecordId as string;
}

describe('A1 POST /api/verifications/password', () => {
  it('answers 201 with a bound, verified Password record of the user, alive 10 minutes', async () => {
    const user = await suite.signedInUser();
    const made = await suite.account('POST', A1, user.accessToken, { password: PASSWORD });
    expect(made.status).toBe(201);
    expect(made.body).toEqual({ verificationRecordId: expect.stringMatching(/^[a-z0-9]{21}$/), expiresAt: expect.any(String) });
    const stored = (await row(made.body.verificationRecordId))!;
    expect(stored).toMatchObject({ owner_id: user.id, bound: true });
    expect(stored.data).toEqual({ id: made.body.verificationRecordId, type: 'Password', identifier: { type: 'userId', value: user.id }, verified: true });
    expect(new Date(made.body.expiresAt).getTime()).toBe(suite.t.clock.now().getTime() + 600_000);
    expect(stored.expires_at.getTime()).toBe(new Date(made.body.expiresAt).getTime());
  });

  it('answers 422 session.invalid_credentials for a wrong password and 400 guard.invalid_input for a bad body', async () => {
    const user = await suite.signedInUser();
    expect(outcome(await suite.account('POST', A1, user.accessToken, { password: 'Wrong-Passw0rd!' }))).toEqual(error(422, 'session.invalid_credentials'));
    for (const body of [{}, { password: '' }, { password: 42 }]) {
      expect(outcome(await suite.account('POST', A1, user.accessToken, body))).toEqual(error(400, 'guard.invalid_input'));
    }
  });

  it('answers 422 for a user without a password', async () => {
    const user = await suite.signedInUser();
    await suite.t.db.query('UPDATE users SET password_hash = NULL WHERE id = $1', [user.id]);
    expect(outcome(await suite.account('POST', A1, user.accessToken, { password: PASSWORD }))).toEqual(error(422, 'session.invalid_credentials'));
  });

  it('writes one audit row per attempt, without the password', async () => {
    const user = await suite.signedInUser();
    await suite.account('POST', A1, user.accessToken, { password: 'Wrong-Passw0rd!' }, { 'user-agent': 'audit-test/1' });
    await suite.account('POST', A1, user.accessToken, { password: PASSWORD }, { 'user-agent': 'audit-test/1' });
    const rows = await auditRows(user.id, 'Account.Verification.Password.Submit');
    expect(rows.map((r) => [r.result, r.error?.code ?? null])).toEqual([
      ['Error', 'session.invalid_credentials'],
      ['Success', null],
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ user_id: user.id, application_id: suite.rp.id, user_agent: 'audit-test/1', ip: expect.any(String) });
      expect(JSON.stringify(r)).not.toContain('Passw0rd');
      expect(JSON.stringify(r)).not.toContain(PASSWORD);
    }
  });
});

describe('A2 POST /api/verifications/verification-code', () => {
  it("sends a UserPermissionValidation code to the user's own email (any case) and stores a bound record", async () => {
    const user = await suite.signedInUser();
    const id = await send(user, { type: 'email', value: user.primaryEmail.toUpperCase() });
    const stored = (await row(id))!;
    expect(stored.bound).toBe(true);
    expect(stored.data).toMatchObject({
      type: 'EmailVerificationCode',
      identifier: { type: 'email', value: user.primaryEmail.toUpperCase() },
      templateType: 'UserPermissionValidation',
      verified: false,
    });
    const mail = suite.smtp!.received.at(-1)!;
    expect(mail.envelopeTo.map((a) => a.toLowerCase())).toEqual([user.primaryEmail]);
    // the configured connector has no template of its own for it: its Generic one
    expect(mail.headers.subject).toBe('Your verification code');
    expect(JSON.stringify(stored.data)).not.toContain(suite.lastCode({ type: 'email', value: user.primaryEmail }));
  });

  it('sends a BindNewIdentifier code to another email and stores an unbound record', async () => {
    const user = await suite.signedInUser();
    const other = `new.${suite.unique()}@example.com`;
    const id = await send(user, { type: 'email', value: `  ${other}` });
    const stored = (await row(id))!;
    expect(stored.bound).toBe(false);
    expect(stored.data).toMatchObject({ identifier: { type: 'email', value: other }, templateType: 'BindNewIdentifier' });
    expect(suite.smtp!.received.at(-1)!.envelopeTo).toEqual([other]);
  });

  it("texts the user's own phone (bound) or another phone (unbound)", async () => {
    const user = await suite.signedInUser();
    const own = await send(user, { type: 'phone', value: `+${user.primaryPhone}` });
    expect(await row(own)).toMatchObject({ bound: true, data: { type: 'PhoneVerificationCode', templateType: 'UserPermissionValidation' } });
    expect(suite.t.sms.messages.at(-1)!.to).toBe(`+${user.primaryPhone}`);
    const phone = suite.phone();
    const other = await send(user, { type: 'phone', value: phone });
    expect(await row(other)).toMatchObject({ bound: false, data: { identifier: { value: phone }, templateType: 'BindNewIdentifier' } });
    expect(suite.t.sms.messages.at(-1)!.to).toBe(`+${phone}`);
  });

  it('answers 400 guard.invalid_input for another identifier type or a missing value', async () => {
    const user = await suite.signedInUser();
    for (const body of [{}, { identifier: { type: 'username', value: user.username } }, { identifier: { type: 'email' } }, { identifier: { type: 'email', value: '' } }]) {
      expect(outcome(await suite.account('POST', A2, user.accessToken, body))).toEqual(error(400, 'guard.invalid_input'));
    }
  });

  it('writes one audit row per attempt naming the identifier, without the code', async () => {
    const user = await suite.signedInUser();
    await send(user, { type: 'email', value: user.primaryEmail });
    await suite.account('POST', A2, user.accessToken, { identifier: { type: 'phone', value: user.primaryPhone } });
    const [mail] = await auditRows(user.id, 'Account.Verification.EmailVerificationCode.Create');
    expect(mail).toMatchObject({ result: 'Success', application_id: suite.rp.id, identifier: { type: 'email', value: user.primaryEmail } });
    expect(JSON.stringify(mail)).not.toContain(suite.lastCode({ type: 'email', value: user.primaryEmail }));
    const [text] = await auditRows(user.id, 'Account.Verification.PhoneVerificationCode.Create');
    expect(text).toMatchObject({ result: 'Success', identifier: { type: 'phone', value: user.primaryPhone } });
  });
});

describe('A3 POST /api/verifications/verification-code/verify', () => {
  it('answers 200 with the record id and marks the record verified', async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'email', value: user.primaryEmail } as const;
    const id = await send(user, identifier);
    const verified = await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code: suite.lastCode(identifier) });
    expect(verified).toMatchObject({ status: 200, body: { verificationRecordId: id } });
    expect(await row(id)).toMatchObject({ bound: true, data: { verified: true } });
  });

  it('is reusable until expiry: a second verify answers the used code, and the record stays verified', async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'phone', value: user.primaryPhone } as const;
    const id = await send(user, identifier);
    const code = suite.lastCode(identifier);
    expect((await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code })).status).toBe(200);
    const again = await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code });
    expect(outcome(again)).toEqual(error(400, 'verification_code.not_found'));
    expect(await row(id)).toMatchObject({ data: { verified: true } });
  });

  it('answers verification_code.* as the engine answers, and counts a wrong code', async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'email', value: user.primaryEmail } as const;
    const id = await send(user, identifier);
    const code = suite.lastCode(identifier);
    const wrong = await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code: wrongCode(code) });
    expect(outcome(wrong)).toEqual(error(400, 'verification_code.code_mismatch'));
    expect(await row(id)).toMatchObject({ data: { verified: false } });
    // the code expires with the record's ten minutes; within them it still works
    suite.t.clock.advance(599_000);
    expect((await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code })).status).toBe(200);
  });

  it('answers 400 verification_record.not_found for an unknown, expired, wrong-type or other user’s record', async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const email = { type: 'email', value: user.primaryEmail } as const;
    const phone = { type: 'phone', value: user.primaryPhone } as const;
    const verify = (token: string, identifier: object, verificationId: string, code = '123456') =>
      suite.account('POST', A3, token, { identifier, verificationId, code });
    const notFound = error(400, 'verification_record.not_found');

    expect(outcome(await verify(user.accessToken, email, 'nosuchrecord000000000'))).toEqual(notFound);
    const mailed = await send(user, email);
    const code = suite.lastCode(email);
    // another user's record, even with the right code
    expect(outcome(await verify(other.accessToken, email, mailed, code))).toEqual(notFound);
    // the record's type must be the identifier's
    expect(outcome(await verify(user.accessToken, phone, mailed, code))).toEqual(notFound);
    // a Password record is no code record
    expect(outcome(await verify(user.accessToken, email, await suite.passwordProof(user.accessToken), code))).toEqual(notFound);
    // expired: ten minutes and a second later
    suite.t.clock.advance(601_000);
    expect(outcome(await verify(user.accessToken, email, mailed, code))).toEqual(notFound);
    expect(await row(mailed)).toMatchObject({ data: { verified: false } });
  });

  it('answers email_mismatch / phone_mismatch for another identifier than the code was sent to', async () => {
    const user = await suite.signedInUser();
    const mailed = await send(user, { type: 'email', value: user.primaryEmail });
    const code = suite.lastCode({ type: 'email', value: user.primaryEmail });
    const byMail = await suite.account('POST', A3, user.accessToken, {
      identifier: { type: 'email', value: `else.${suite.unique()}@example.com` },
      verificationId: mailed,
      code,
    });
    expect(outcome(byMail)).toEqual(error(400, 'verification_code.email_mismatch'));
    const texted = await send(user, { type: 'phone', value: user.primaryPhone });
    const byText = await suite.account('POST', A3, user.accessToken, {
      identifier: { type: 'phone', value: suite.phone() },
      verificationId: texted,
      code: suite.lastCode({ type: 'phone', value: user.primaryPhone }),
    });
    expect(outcome(byText)).toEqual(error(400, 'verification_code.phone_mismatch'));
  });

  it('answers 400 guard.invalid_input for a bad body', async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'email', value: user.primaryEmail };
    for (const body of [{ identifier, code: '123456' }, { identifier, verificationId: 'x' }, { identifier: { type: 'username', value: 'x' }, verificationId: 'x', code: '1' }]) {
      expect(outcome(await suite.account('POST', A3, user.accessToken, body))).toEqual(error(400, 'guard.invalid_input'));
    }
  });

  it('writes one audit row per attempt with its error code, without the code', async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'email', value: user.primaryEmail } as const;
    const id = await send(user, identifier);
    const code = suite.lastCode(identifier);
    await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code: wrongCode(code) });
    await suite.account('POST', A3, user.accessToken, { identifier, verificationId: 'nosuchrecord000000000', code });
    await suite.account('POST', A3, user.accessToken, { identifier, verificationId: id, code });
    const rows = await auditRows(user.id, 'Account.Verification.EmailVerificationCode.Submit');
    expect(rows.map((r) => [r.result, r.error?.code ?? null])).toEqual([
      ['Error', 'verification_code.code_mismatch'],
      ['Error', 'verification_record.not_found'],
      ['Success', null],
    ]);
    for (const r of rows) {
      expect(r).toMatchObject({ application_id: suite.rp.id, identifier });
      expect(JSON.stringify(r)).not.toContain(code);
    }
  });
});

describe('OpenAPI', () => {
  it('documents A1–A5 with their bodies, answers, tag and security', async () => {
    const doc = await (await fetch(`${suite.t.url}/api/swagger.json`)).json();
    const expected: Record<string, [string, string[]]> = {
      [A1]: ['201', ['400', '401', '403', '422']],
      [A2]: ['201', ['400', '401', '403', '501']],
      [A3]: ['200', ['400', '401', '403']],
      [A4]: ['201', ['400', '401', '403', '422']],
      [A5]: ['200', ['400', '401', '403', '422']],
    };
    for (const [path, [success, errors]] of Object.entries(expected)) {
      const op = doc.paths[path].post;
      expect(op.tags).toEqual(['account verifications']);
      expect(op.security).toEqual([{ UserAccessToken: [] }]);
      expect(op.requestBody.content['application/json'].schema).toBeTruthy();
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining([success, ...errors]));
      for (const status of errors) expect(op.responses[status].content['application/json'].schema).toBeTruthy();
    }
  });
});
