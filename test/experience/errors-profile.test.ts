// E24 (stage profile data) and E25 (ForgotPassword's new password) against experience-api.md, plus
// the email side of E7/E8 (templates, email_mismatch, exhausted tries) and Register's email
// uniqueness at E3. This app has an SMTP email connector, and its lockout is raised to 100 failures
// so that a code's own limit of 10 wrong tries can be reached.
import { describe, expect, it } from 'vitest';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite({ email: true, env: { VERITY_LOCKOUT_MAX_FAILURES: '100' } });

const E3 = '/api/experience/identification';
const E7 = '/api/experience/verification/verification-code';
const E8 = '/api/experience/verification/verification-code/verify';
const E24 = '/api/experience/profile';
const E25 = '/api/experience/profile/password';
const err = (status: number, code: string, data?: unknown) => ({ status, body: { code, ...(data === undefined ? {} : { data }) } });
const email = () => ({ type: 'email', value: `p.${x.unique()}@example.com` });

/** A SignIn interaction identified as `username` (password record). */
describe('E24 POST /api/experience/profile', () => {
  it('400 session.not_supported_for_forgot_password for every variant', async () => {
    const s = await x.session('ForgotPassword');
    const id = await x.verifiedCode(s, email(), 'ForgotPassword');
    for (const body of [{ type: 'username', value: 'anyone' }, { type: 'password', value: PASSWORD }, { type: 'email', verificationId: id }])
      expect(await s.call('POST', E24, body)).toMatchObject(err(400, 'session.not_supported_for_forgot_password'));
  });

  it('SignIn: 404 session.identifier_not_found before identification', async () => {
    const s = await x.session('SignIn');
    const id = await x.verifiedCode(s, email());
    for (const body of [{ type: 'username', value: 'anyone' }, { type: 'password', value: PASSWORD }, { type: 'email', verificationId: id }])
      expect(await s.call('POST', E24, body)).toMatchObject(err(404, 'session.identifier_not_found'));
  });

  it('Register: each variant stages a field before E3, and the new user has them all', async () => {
    await x.settings({ signUp: { identifiers: ['username', 'email', 'phone'], password: true, verify: true } });
    const s = await x.session('Register');
    const username = `staged_${x.unique()}`;
    const mail = email();
    const phone = { type: 'phone', value: x.phone() };
    expect(await s.call('POST', E24, { type: 'username', value: username })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E24, { type: 'password', value: PASSWORD })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E24, { type: 'email', verificationId: await x.verifiedCode(s, mail, 'Register') })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E24, { type: 'phone', verificationId: await x.verifiedCode(s, phone, 'Register') })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E3, {})).toEqual({ status: 201, body: null });
    const [user] = await x.admin('GET', `/api/users?search.username=${username}&mode.username=exact`);
    expect(user).toMatchObject({ username, primaryEmail: mail.value, primaryPhone: phone.value, hasPassword: true });
  });

  it('404 for an unknown id or a record of the other type; 400 session.verification_failed for an unverified record', async () => {
    const s = await x.session('Register');
    const phoneId = await x.verifiedCode(s, { type: 'phone', value: x.phone() }, 'Register');
    expect(await s.call('POST', E24, { type: 'email', verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await s.call('POST', E24, { type: 'email', verificationId: phoneId })).toMatchObject(err(404, 'session.verification_session_not_found'));
    const sent = await s.call('POST', E7, { identifier: email(), interactionEvent: 'Register' });
    expect(await s.call('POST', E24, { type: 'email', verificationId: sent.body.verificationId })).toMatchObject(err(400, 'session.verification_failed'));
  });

  it('422 user.*_already_in_use when another user has the username, email or phone', async () => {
    const mail = email();
    const phone = x.phone();
    const other = await x.newUser({ primaryEmail: mail.value.toUpperCase(), primaryPhone: phone });
    const s = await x.session('Register');
    expect(await s.call('POST', E24, { type: 'username', value: other.username })).toMatchObject(err(422, 'user.username_already_in_use'));
    const emailId = await x.verifiedCode(s, mail, 'Register');
    expect(await s.call('POST', E24, { type: 'email', verificationId: emailId })).toMatchObject(err(422, 'user.email_already_in_use'));
    const phoneId = await x.verifiedCode(s, { type: 'phone', value: phone }, 'Register');
    expect(await s.call('POST', E24, { type: 'phone', verificationId: phoneId })).toMatchObject(err(422, 'user.phone_already_in_use'));
  });

  it('422 user.*_exists_in_profile when the identified user already has the field', async () => {
    const user = await x.newUser({ primaryEmail: email().value, primaryPhone: x.phone() });
    const s = await x.identified(user.username);
    expect(await s.call('POST', E24, { type: 'username', value: `other_${x.unique()}` })).toMatchObject(err(422, 'user.username_exists_in_profile'));
    expect(await s.call('POST', E24, { type: 'password', value: 'An0ther-Sturdy-One' })).toMatchObject(err(422, 'user.password_exists_in_profile'));
    const emailId = await x.verifiedCode(s, email());
    expect(await s.call('POST', E24, { type: 'email', verificationId: emailId })).toMatchObject(err(422, 'user.email_exists_in_profile'));
    const phoneId = await x.verifiedCode(s, { type: 'phone', value: x.phone() });
    expect(await s.call('POST', E24, { type: 'phone', verificationId: phoneId })).toMatchObject(err(422, 'user.phone_exists_in_profile'));
  });

  it('SignIn: an identified user without an email stages one, written at submit', async () => {
    const user = await x.newUser();
    const mail = email();
    const s = await x.identified(user.username);
    expect(await s.call('POST', E24, { type: 'email', verificationId: await x.verifiedCode(s, mail) })).toEqual({ status: 204, body: null });
    expect(await x.admin('GET', `/api/users/${user.id}`)).toMatchObject({ primaryEmail: null });
    expect((await s.call('POST', '/api/experience/submit')).status).toBe(200);
    expect(await x.admin('GET', `/api/users/${user.id}`)).toMatchObject({ primaryEmail: mail.value });
  });

  it('422 password.rejected for a weak password', async () => {
    const s = await x.session('Register');
    expect(await s.call('POST', E24, { type: 'password', value: 'Qx7#' })).toMatchObject(
      err(422, 'password.rejected', [{ code: 'password_rejected.too_short', interpolation: { min: 8 } }]),
    );
  });
});

describe('E25 PUT /api/experience/profile/password', () => {
  it('400 session.invalid_interaction_type outside ForgotPassword', async () => {
    const user = await x.newUser();
    for (const s of [await x.session('Register'), await x.identified(user.username)])
      expect(await s.call('PUT', E25, { password: 'An0ther-Sturdy-One' })).toMatchObject(err(400, 'session.invalid_interaction_type'));
  });

  it('404 identifier_not_found, 422 password.rejected, 422 user.same_password, then 204 and submit 200 without a body', async () => {
    const mail = email();
    const user = await x.newUser({ primaryEmail: mail.value });
    const s = await x.session('ForgotPassword');
    expect(await s.call('PUT', E25, { password: 'An0ther-Sturdy-One' })).toMatchObject(err(404, 'session.identifier_not_found'));
    await s.call('POST', E3, { verificationId: await x.verifiedCode(s, mail, 'ForgotPassword') });
    expect(await s.call('PUT', E25, { password: 'abc' })).toMatchObject(
      err(422, 'password.rejected', expect.arrayContaining([{ code: 'password_rejected.too_short', interpolation: { min: 8 } }])),
    );
    expect(await s.call('PUT', E25, { password: PASSWORD })).toMatchObject(err(422, 'user.same_password'));
    expect(await s.call('PUT', E25, { password: 'An0ther-Sturdy-One' })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', '/api/experience/submit')).toEqual({ status: 200, body: null });
    expect(await s.call('POST', '/api/experience/submit')).toMatchObject(err(404, 'session.interaction_not_found'));
    expect(await x.admin('POST', `/api/users/${user.id}/password/verify`, { password: 'An0ther-Sturdy-One' })).toBeNull();
  });
});

describe('E7 / E8 by email', () => {
  it('the template follows the body event', async () => {
    const s = await x.session('SignIn');
    const subjects = { SignIn: 'Your sign-in code', Register: 'Verify your email', ForgotPassword: 'Reset your password' };
    for (const [event, subject] of Object.entries(subjects)) {
      const mail = email();
      expect((await s.call('POST', E7, { identifier: mail, interactionEvent: event })).status).toBe(200);
      expect([...x.smtp!.received].reverse().find((m) => m.envelopeTo.includes(mail.value))!.headers.subject).toBe(subject);
    }
  });

  it('400 verification_code.email_mismatch for another address; the same address in other case is accepted', async () => {
    const mail = email();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E7, { identifier: mail, interactionEvent: 'SignIn' });
    const code = x.lastCode(mail);
    expect(await s.call('POST', E8, { identifier: email(), verificationId: body.verificationId, code })).toMatchObject(
      err(400, 'verification_code.email_mismatch'),
    );
    const upper = { type: 'email', value: mail.value.toUpperCase() };
    expect((await s.call('POST', E8, { identifier: upper, verificationId: body.verificationId, code })).status).toBe(200);
  });

  it('after 10 wrong tries even the right code fails with verification_code.exceed_max_try', async () => {
    const mail = email();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E7, { identifier: mail, interactionEvent: 'SignIn' });
    const code = x.lastCode(mail);
    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    for (let i = 0; i < 10; i += 1)
      expect(await s.call('POST', E8, { identifier: mail, verificationId: body.verificationId, code: wrong })).toMatchObject(
        err(400, 'verification_code.code_mismatch'),
      );
    expect(await s.call('POST', E8, { identifier: mail, verificationId: body.verificationId, code })).toMatchObject(
      err(400, 'verification_code.exceed_max_try'),
    );
  });
});

describe('E3 Register by email', () => {
  it('422 user.email_already_in_use for an address another user has in other case', async () => {
    await x.settings({ signUp: { identifiers: ['email'], password: false, verify: true } });
    const mail = email();
    await x.newUser({ primaryEmail: mail.value.toUpperCase() });
    const s = await x.session('Register');
    const id = await x.verifiedCode(s, mail, 'Register');
    expect(await s.call('POST', E3, { verificationId: id })).toMatchObject(err(422, 'user.email_already_in_use'));
  });
});
