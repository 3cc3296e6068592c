// E3 identification and E4 submit against experience-api.md: every status and code, and the check
// order for SignIn / ForgotPassword (invalid_input → 404 record → 403 mode → 422 method → 422 forgot
// password → 400 unverified → 404 user → 401 suspended → 409 conflict) and for Register.
import { describe, expect, it } from 'vitest';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite();

const E3 = '/api/experience/identification';
const E6 = '/api/experience/verification/password';
const E7 = '/api/experience/verification/verification-code';
const E21 = '/api/experience/verification/new-password-identity';
const err = (status: number, code: string, data?: unknown) => ({ status, body: { code, ...(data === undefined ? {} : { data }) } });

const passwordRecord = async (s: ExperienceSession, username: string) =>
  (await s.call('POST', E6, { identifier: { type: 'username', value: username }, password: PASSWORD })).body.verificationId as string;
const unverifiedCode = async (s: ExperienceSession, phone: string, event = 'SignIn') =>
  (await s.call('POST', E7, { identifier: { type: 'phone', value: phone }, interactionEvent: event })).body.verificationId as string;
const newPasswordIdentity = async (s: ExperienceSession, username: string) =>
  (await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: PASSWORD })).body.verificationId as string;
/** Sign-in methods with phone + code switched off (phone + password stays). */
const phoneCodeOff = () =>
  x.settings({
    signIn: {
      methods: [
        { identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true },
        { identifier: 'phone', password: true, verificationCode: false, isPasswordPrimary: true },
      ],
    },
  });

describe('E3 SignIn / ForgotPassword', () => {
  it('400 guard.invalid_input without verificationId, then 404 for an unknown id', async () => {
    for (const event of ['SignIn', 'ForgotPassword'] as const) {
      const s = await x.session(event);
      expect(await s.call('POST', E3, {})).toMatchObject(err(400, 'guard.invalid_input'));
      expect(await s.call('POST', E3)).toMatchObject(err(400, 'guard.invalid_input'));
      expect(await s.call('POST', E3, { verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    }
  });

  it('403 auth.forbidden for SignIn when the mode is Register — after the record lookup, before anything else', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const id = await passwordRecord(s, user.username);
    const npi = await newPasswordIdentity(s, `np_${x.unique()}`);
    await x.settings({ signInMode: 'Register' });
    expect(await s.call('POST', E3, {})).toMatchObject(err(400, 'guard.invalid_input'));
    expect(await s.call('POST', E3, { verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await s.call('POST', E3, { verificationId: id })).toMatchObject(err(403, 'auth.forbidden'));
    expect(await s.call('POST', E3, { verificationId: npi })).toMatchObject(err(403, 'auth.forbidden'));
  });

  it('ForgotPassword is not subject to the sign-in mode nor to the sign-in methods', async () => {
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    await x.settings({ signInMode: 'Register' });
    await phoneCodeOff();
    const s = await x.session('ForgotPassword');
    const id = await x.verifiedCode(s, { type: 'phone', value: phone }, 'ForgotPassword');
    expect(await s.call('POST', E3, { verificationId: id })).toEqual({ status: 204, body: null });
  });

  it('422 user.sign_in_method_not_enabled: method switched off (before the verified check), or a NewPasswordIdentity record', async () => {
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    await phoneCodeOff();
    const s = await x.session('SignIn');
    const unverified = await unverifiedCode(s, phone);
    expect(await s.call('POST', E3, { verificationId: unverified })).toMatchObject(err(422, 'user.sign_in_method_not_enabled'));
    const npi = await newPasswordIdentity(s, `np_${x.unique()}`);
    expect(await s.call('POST', E3, { verificationId: npi })).toMatchObject(err(422, 'user.sign_in_method_not_enabled'));
    // a method missing from the list entirely is off too
    await x.settings({ signIn: { methods: [{ identifier: 'username', password: true, verificationCode: false, isPasswordPrimary: true }] } });
    const verified = await x.verifiedCode(s, { type: 'phone', value: phone });
    expect(await s.call('POST', E3, { verificationId: verified })).toMatchObject(err(422, 'user.sign_in_method_not_enabled'));
  });

  it('422 session.not_supported_for_forgot_password for a password or NewPasswordIdentity record', async () => {
    const user = await x.newUser();
    const s = await x.session('ForgotPassword');
    const id = await passwordRecord(s, user.username);
    expect(await s.call('POST', E3, { verificationId: id })).toMatchObject(err(422, 'session.not_supported_for_forgot_password'));
    const npi = await newPasswordIdentity(s, `np_${x.unique()}`);
    expect(await s.call('POST', E3, { verificationId: npi })).toMatchObject(err(422, 'session.not_supported_for_forgot_password'));
  });

  it('400 session.verification_failed for a code record not yet verified', async () => {
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    for (const event of ['SignIn', 'ForgotPassword'] as const) {
      const s = await x.session(event);
      const id = await unverifiedCode(s, phone, event);
      expect(await s.call('POST', E3, { verificationId: id })).toMatchObject(err(400, 'session.verification_failed'));
    }
  });

  it('404 user.user_not_exist with data.identifier for a verified code to an unknown phone', async () => {
    const phone = x.phone();
    for (const event of ['SignIn', 'ForgotPassword'] as const) {
      const s = await x.session(event);
      const id = await x.verifiedCode(s, { type: 'phone', value: phone }, event);
      expect(await s.call('POST', E3, { verificationId: id })).toMatchObject(err(404, 'user.user_not_exist', { identifier: phone }));
    }
  });

  it('401 user.suspended (password record made before the suspension; code record)', async () => {
    const phone = x.phone();
    const user = await x.newUser({ primaryPhone: phone });
    const s = await x.session('SignIn');
    const password = await passwordRecord(s, user.username);
    const code = await x.verifiedCode(s, { type: 'phone', value: phone });
    await x.admin('PATCH', `/api/users/${user.id}/is-suspended`, { isSuspended: true });
    expect(await s.call('POST', E3, { verificationId: password })).toMatchObject(err(401, 'user.suspended'));
    expect(await s.call('POST', E3, { verificationId: code })).toMatchObject(err(401, 'user.suspended'));
    const f = await x.session('ForgotPassword');
    const reset = await x.verifiedCode(f, { type: 'phone', value: phone }, 'ForgotPassword');
    expect(await f.call('POST', E3, { verificationId: reset })).toMatchObject(err(401, 'user.suspended'));
  });

  it('409 session.identity_conflict when identified as another user; 204 again for the same user', async () => {
    const phone = x.phone();
    const a = await x.newUser({ primaryPhone: phone });
    const b = await x.newUser();
    const s = await x.session('SignIn');
    expect(await s.call('POST', E3, { verificationId: await passwordRecord(s, a.username) })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E3, { verificationId: await x.verifiedCode(s, { type: 'phone', value: phone }) })).toEqual({ status: 204, body: null });
    expect(await s.call('POST', E3, { verificationId: await passwordRecord(s, b.username) })).toMatchObject(err(409, 'session.identity_conflict'));
    const submitted = await s.call('POST', '/api/experience/submit');
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(a.id);
  });
});

describe('E3 Register', () => {
  it('403 auth.forbidden when the mode is SignIn', async () => {
    await x.settings({ signInMode: 'SignIn' });
    const s = await x.session('Register');
    const npi = await newPasswordIdentity(s, `np_${x.unique()}`);
    expect(await s.call('POST', E3, {})).toMatchObject(err(403, 'auth.forbidden'));
    expect(await s.call('POST', E3, { verificationId: npi })).toMatchObject(err(403, 'auth.forbidden'));
  });

  it('404 for an unknown id; 400 session.verification_failed for an unverified or unsuitable record', async () => {
    const user = await x.newUser();
    const s = await x.session('Register');
    expect(await s.call('POST', E3, { verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    const unverified = await unverifiedCode(s, x.phone(), 'Register');
    expect(await s.call('POST', E3, { verificationId: unverified })).toMatchObject(err(400, 'session.verification_failed'));
    const password = await passwordRecord(s, user.username);
    expect(await s.call('POST', E3, { verificationId: password })).toMatchObject(err(400, 'session.verification_failed'));
  });

  it('422 user.username_already_in_use / user.phone_already_in_use when the identifier was taken meanwhile', async () => {
    const username = `taken_${x.unique()}`;
    const s = await x.session('Register');
    const npi = await newPasswordIdentity(s, username);
    await x.newUser({ username });
    expect(await s.call('POST', E3, { verificationId: npi })).toMatchObject(err(422, 'user.username_already_in_use'));

    await x.settings({ signUp: { identifiers: ['phone'], password: false, verify: true } });
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    const r = await x.session('Register');
    const code = await x.verifiedCode(r, { type: 'phone', value: phone }, 'Register');
    expect(await r.call('POST', E3, { verificationId: code })).toMatchObject(err(422, 'user.phone_already_in_use'));
  });

  it('422 user.missing_profile with data.missingProfile', async () => {
    const s = await x.session('Register');
    expect(await s.call('POST', E3, {})).toMatchObject(err(422, 'user.missing_profile', { missingProfile: ['username', 'password'] }));
    const code = await x.verifiedCode(s, { type: 'phone', value: x.phone() }, 'Register');
    expect(await s.call('POST', E3, { verificationId: code })).toMatchObject(err(422, 'user.missing_profile', { missingProfile: ['username', 'password'] }));
    await s.call('POST', '/api/experience/profile', { type: 'username', value: `reg_${x.unique()}` });
    expect(await s.call('POST', E3, { verificationId: code })).toMatchObject(err(422, 'user.missing_profile', { missingProfile: ['password'] }));
    await s.call('POST', '/api/experience/profile', { type: 'password', value: PASSWORD });
    expect(await s.call('POST', E3, { verificationId: code })).toEqual({ status: 201, body: null });
    // the user exists now: identification is over
    expect(await s.call('POST', E3, {})).toMatchObject(err(409, 'session.identity_conflict'));
  });
});

describe('E4 submit', () => {
  it('404 session.identifier_not_found before identification, for every event', async () => {
    for (const event of ['SignIn', 'Register', 'ForgotPassword'] as const) {
      const s = await x.session(event);
      expect(await s.call('POST', '/api/experience/submit'), event).toMatchObject(err(404, 'session.identifier_not_found'));
    }
  });

  it('SignIn: 422 user.missing_profile while the user lacks a required sign-up field; staging it completes', async () => {
    const user = await x.newUser();
    await x.settings({ signUp: { identifiers: ['username', 'phone'], password: true, verify: true } });
    const s = await x.session('SignIn');
    await s.call('POST', E3, { verificationId: await passwordRecord(s, user.username) });
    expect(await s.call('POST', '/api/experience/submit')).toMatchObject(err(422, 'user.missing_profile', { missingProfile: ['phone'] }));
    const phone = x.phone();
    const code = await x.verifiedCode(s, { type: 'phone', value: phone });
    expect(await s.call('POST', '/api/experience/profile', { type: 'phone', verificationId: code })).toEqual({ status: 204, body: null });
    const submitted = await s.call('POST', '/api/experience/submit');
    expect(submitted).toEqual({ status: 200, body: { redirectTo: expect.any(String) } });
    expect(await x.admin('GET', `/api/users/${user.id}`)).toMatchObject({ primaryPhone: phone });
  });

  it('ForgotPassword: 422 user.new_password_required_in_profile until E25', async () => {
    const phone = x.phone();
    await x.newUser({ primaryPhone: phone });
    const s = await x.session('ForgotPassword');
    await s.call('POST', E3, { verificationId: await x.verifiedCode(s, { type: 'phone', value: phone }, 'ForgotPassword') });
    expect(await s.call('POST', '/api/experience/submit')).toMatchObject(err(422, 'user.new_password_required_in_profile'));
    expect((await s.call('PUT', '/api/experience/profile/password', { password: 'An0ther-Sturdy-One' })).status).toBe(204);
    expect(await s.call('POST', '/api/experience/submit')).toEqual({ status: 200, body: null });
  });
});
