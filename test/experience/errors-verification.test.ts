// The verification routes E6 (password), E7/E8 (verification code, by SMS: this app has no email
// connector), E21 (new password identity) against experience-api.md: every status and code, the
// lockout (5 failures of password and code checks together on one identifier → blocked 10 minutes by
// the clock), and the audit rows of attempts and outcomes (GET /api/logs).
import { describe, expect, it } from 'vitest';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite();

const E3 = '/api/experience/identification';
const E6 = '/api/experience/verification/password';
const E7 = '/api/experience/verification/verification-code';
const E8 = '/api/experience/verification/verification-code/verify';
const E21 = '/api/experience/verification/new-password-identity';
const MINUTE = 60_000;
const err = (status: number, code: string, data?: unknown) => ({ status, body: { code, ...(data === undefined ? {} : { data }) } });
const blocked = err(400, 'session.verification_blocked_too_many_attempts');

const password = (s: ExperienceSession, identifier: { type: string; value: string }, value: string) =>
  s.call('POST', E6, { identifier, password: value });
const send = (s: ExperienceSession, identifier: { type: string; value: string }, interactionEvent = 'SignIn') =>
  s.call('POST', E7, { identifier, interactionEvent });
const verify = (s: ExperienceSession, identifier: { type: string; value: string }, verificationId: string, code: string) =>
  s.call('POST', E8, { identifier, verificationId, code });
/** A 6-digit code other than `code`. */
const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('E6 POST /verification/password', () => {
  it('422 session.invalid_credentials for an unknown user and for a wrong password, alike', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const unknown = await password(s, { type: 'username', value: `ghost_${x.unique()}` }, PASSWORD);
    const mismatch = await password(s, { type: 'username', value: user.username }, 'Wrong-Passw0rd!');
    expect(unknown).toEqual({ status: 422, body: { code: 'session.invalid_credentials', message: expect.any(String) } });
    expect(mismatch).toEqual(unknown);
  });

  it('401 user.suspended for the right password of a suspended user (a wrong one stays 422)', async () => {
    const user = await x.newUser();
    await x.admin('PATCH', `/api/users/${user.id}/is-suspended`, { isSuspended: true });
    const s = await x.session('SignIn');
    expect(await password(s, { type: 'username', value: user.username }, PASSWORD)).toMatchObject(err(401, 'user.suspended'));
    expect(await password(s, { type: 'username', value: user.username }, 'Wrong-Passw0rd!')).toMatchObject(err(422, 'session.invalid_credentials'));
  });

  it('the 5th failure answers 400 verification_blocked_too_many_attempts; blocked 10 minutes by the clock, even for the right password', async () => {
    const user = await x.newUser();
    const bystander = await x.newUser();
    const identifier = { type: 'username', value: user.username };
    const s = await x.session('SignIn');
    for (let i = 0; i < 4; i += 1) expect(await password(s, identifier, 'Wrong-Passw0rd!')).toMatchObject(err(422, 'session.invalid_credentials'));
    expect(await password(s, identifier, 'Wrong-Passw0rd!')).toMatchObject(blocked);
    expect(await password(s, identifier, PASSWORD)).toMatchObject(blocked);
    // another identifier is not affected
    expect((await password(s, { type: 'username', value: bystander.username }, PASSWORD)).status).toBe(200);
    x.t.clock.advance(9 * MINUTE);
    expect(await password(s, identifier, PASSWORD)).toMatchObject(blocked);
    x.t.clock.advance(MINUTE);
    const ok = await password(s, identifier, PASSWORD);
    expect(ok).toEqual({ status: 200, body: { verificationId: expect.stringMatching(/^[a-z0-9]{21}$/) } });
    expect((await s.call('POST', E3, { verificationId: ok.body.verificationId })).status).toBe(204);
  });
});

describe('E7 POST /verification/verification-code', () => {
  it('501 connector.not_found without an email connector', async () => {
    const s = await x.session('SignIn');
    expect(await send(s, { type: 'email', value: `nobody.${x.unique()}@example.com` })).toMatchObject(err(501, 'connector.not_found'));
  });

  it("the body's interactionEvent picks the template, whatever the interaction's event", async () => {
    const s = await x.session('SignIn');
    const texts: Record<string, RegExp> = { SignIn: /sign-in code/, Register: /registration code/, ForgotPassword: /password reset code/ };
    for (const [event, text] of Object.entries(texts)) {
      const phone = x.phone();
      const sent = await send(s, { type: 'phone', value: phone }, event);
      expect(sent).toEqual({ status: 200, body: { verificationId: expect.stringMatching(/^[a-z0-9]{21}$/) } });
      const message = [...x.t.sms.messages].reverse().find((m) => m.to === `+${phone}`)!;
      expect(message.text).toMatch(text);
      expect(message.text).toContain(x.lastCode({ type: 'phone', value: phone }));
    }
  });

  it('a failing SMS gateway answers a connector error and leaves no record', async () => {
    const s = await x.session('SignIn');
    x.t.sms.failNext(1);
    const failed = await send(s, { type: 'phone', value: x.phone() });
    expect(failed.status).toBe(400);
    expect(failed.body.code).toMatch(/^connector\./);
  });
});

describe('E8 POST /verification/verification-code/verify', () => {
  it('404 session.verification_session_not_found for an unknown id or a record of the other type', async () => {
    const phone = { type: 'phone', value: x.phone() };
    const s = await x.session('SignIn');
    const { body } = await send(s, phone);
    const code = x.lastCode(phone);
    expect(await verify(s, phone, 'nosuchrecord000000000', code)).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await verify(s, { type: 'email', value: 'a@example.com' }, body.verificationId, code)).toMatchObject(
      err(404, 'session.verification_session_not_found'),
    );
    expect((await verify(s, phone, body.verificationId, code)).status).toBe(200);
  });

  it('400 verification_code.phone_mismatch for another number; code_mismatch for a wrong code', async () => {
    const phone = { type: 'phone', value: x.phone() };
    const s = await x.session('SignIn');
    const { body } = await send(s, phone);
    const code = x.lastCode(phone);
    expect(await verify(s, { type: 'phone', value: x.phone() }, body.verificationId, code)).toMatchObject(err(400, 'verification_code.phone_mismatch'));
    expect(await verify(s, phone, body.verificationId, wrong(code))).toMatchObject(err(400, 'verification_code.code_mismatch'));
    // the number spelt another way is the same number
    expect(await verify(s, { type: 'phone', value: `+${phone.value}` }, body.verificationId, code)).toEqual({
      status: 200,
      body: { verificationId: body.verificationId },
    });
  });

  it('400 verification_code.expired 10 minutes after sending (by the clock)', async () => {
    const phone = { type: 'phone', value: x.phone() };
    const s = await x.session('SignIn');
    const { body } = await send(s, phone);
    x.t.clock.advance(10 * MINUTE);
    expect(await verify(s, phone, body.verificationId, x.lastCode(phone))).toMatchObject(err(400, 'verification_code.expired'));
  });

  it('password and code failures on one identifier share the lockout; while blocked the right code is refused and the record stays unverified', async () => {
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    const identifier = { type: 'phone', value: phone };
    const s = await x.session('SignIn');
    for (let i = 0; i < 3; i += 1)
      expect(await password(s, { type: 'phone', value: `+${phone}` }, 'Wrong-Passw0rd!')).toMatchObject(err(422, 'session.invalid_credentials'));
    const { body } = await send(s, identifier);
    const code = x.lastCode(identifier);
    expect(await verify(s, identifier, body.verificationId, wrong(code))).toMatchObject(err(400, 'verification_code.code_mismatch'));
    expect(await verify(s, identifier, body.verificationId, wrong(code))).toMatchObject(blocked);
    expect(await verify(s, identifier, body.verificationId, code)).toMatchObject(blocked);
    expect(await password(s, identifier, PASSWORD)).toMatchObject(blocked);
    expect(await s.call('POST', E3, { verificationId: body.verificationId })).toMatchObject(err(400, 'session.verification_failed'));
    x.t.clock.advance(10 * MINUTE);
    const fresh = await send(s, identifier);
    expect((await verify(s, identifier, fresh.body.verificationId, x.lastCode(identifier))).status).toBe(200);
    expect((await s.call('POST', E3, { verificationId: fresh.body.verificationId })).status).toBe(204);
  });
});

describe('E8 while blocked', () => {
  it('a check refused for a block spends none of the code’s attempts: the code works once the block ends', async () => {
    const phone = x.phone();
    const identifier = { type: 'phone', value: phone };
    const s = await x.session('SignIn');
    for (let i = 0; i < 4; i += 1) await password(s, identifier, 'Wrong-Passw0rd!');
    expect(await password(s, identifier, 'Wrong-Passw0rd!')).toMatchObject(blocked);
    x.t.clock.advance(MINUTE); // the code outlives the block by a minute
    // the block is answered before the identifier is compared with the record's
    const elsewhere = await send(s, { type: 'phone', value: x.phone() });
    expect(await verify(s, identifier, elsewhere.body.verificationId, '000000')).toMatchObject(blocked);
    const { body } = await send(s, identifier);
    const code = x.lastCode(identifier);
    // more refused checks than the code has attempts (10)
    for (let i = 0; i < 12; i += 1) expect(await verify(s, identifier, body.verificationId, wrong(code))).toMatchObject(blocked);
    x.t.clock.advance(9 * MINUTE);
    expect((await verify(s, identifier, body.verificationId, code)).status).toBe(200);
  });
});

describe('E21 POST /verification/new-password-identity', () => {
  it('422 user.username_already_in_use', async () => {
    const user = await x.newUser();
    const s = await x.session('Register');
    expect(await s.call('POST', E21, { identifier: { type: 'username', value: user.username }, password: PASSWORD })).toMatchObject(
      err(422, 'user.username_already_in_use'),
    );
  });

  it('422 password.rejected with the list of password_rejected.* issues', async () => {
    const s = await x.session('Register');
    const username = `np_${x.unique()}`;
    const short = await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: 'Qx7#' });
    expect(short).toMatchObject(err(422, 'password.rejected', [{ code: 'password_rejected.too_short', interpolation: { min: 8 } }]));
    await x.settings({ passwordPolicy: { characterTypes: { min: 3 } } });
    const weak = await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: 'qwertyuiop' });
    expect(weak.status).toBe(422);
    expect(weak.body.code).toBe('password.rejected');
    expect(weak.body.data).toEqual(
      expect.arrayContaining([
        { code: 'password_rejected.character_types', interpolation: { min: 3 } },
        { code: 'password_rejected.restricted.sequence' },
      ]),
    );
    const mine = await s.call('POST', E21, { identifier: { type: 'username', value: 'Zebulon_Quirk' }, password: 'Zebulon_Quirk1!' });
    expect(mine.body.data).toEqual(expect.arrayContaining([{ code: 'password_rejected.restricted.user_info' }]));
    expect((await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: PASSWORD })).status).toBe(200);
  });
});

describe('audit rows', () => {
  const logs = async (key: string, interactionId: string) =>
    ((await x.admin('GET', `/api/logs?logKey=${encodeURIComponent(key)}&page_size=100`)) as { payload: Record<string, any> }[])
      .map((l) => l.payload)
      .filter((p) => p.interactionId === interactionId);

  it('one row per verification attempt and per outcome, with the error code of a failure', async () => {
    const phone = x.phone();
    const user = await x.newUser({ primaryPhone: phone });
    const s = await x.session('SignIn');
    await password(s, { type: 'username', value: user.username }, 'Wrong-Passw0rd!');
    const { body } = await password(s, { type: 'username', value: user.username }, PASSWORD);
    const sent = await send(s, { type: 'phone', value: phone });
    await verify(s, { type: 'phone', value: phone }, 'no-such-record', '000000');
    await verify(s, { type: 'phone', value: phone }, sent.body.verificationId, x.lastCode({ type: 'phone', value: phone }));
    await s.call('POST', E21, { identifier: { type: 'username', value: `np_${x.unique()}` }, password: PASSWORD });
    await s.call('POST', E3, { verificationId: body.verificationId });
    await s.call('POST', '/api/experience/submit');

    expect(await logs('Interaction.Create', s.uid)).toEqual([expect.objectContaining({ result: 'Success', method: 'SignIn' })]);
    expect(await logs('Interaction.SignIn.Verification.Password.Submit', s.uid)).toEqual([
      expect.objectContaining({ result: 'Success', userId: user.id, identifier: { type: 'username', value: user.username } }),
      expect.objectContaining({ result: 'Error', error: { code: 'session.invalid_credentials', message: expect.any(String) } }),
    ]);
    expect(await logs('Interaction.SignIn.Verification.PhoneVerificationCode.Create', s.uid)).toEqual([expect.objectContaining({ result: 'Success' })]);
    expect(await logs('Interaction.SignIn.Verification.PhoneVerificationCode.Submit', s.uid)).toEqual([
      expect.objectContaining({ result: 'Success' }),
      expect.objectContaining({ result: 'Error', error: { code: 'session.verification_session_not_found', message: expect.any(String) } }),
    ]);
    expect(await logs('Interaction.SignIn.Verification.NewPasswordIdentity.Submit', s.uid)).toEqual([expect.objectContaining({ result: 'Success' })]);
    expect(await logs('Interaction.SignIn.Identifier.Submit', s.uid)).toEqual([
      expect.objectContaining({ result: 'Success', userId: user.id, method: 'Password' }),
    ]);
    expect(await logs('Interaction.SignIn.Submit', s.uid)).toEqual([expect.objectContaining({ result: 'Success', userId: user.id })]);
  });
});
