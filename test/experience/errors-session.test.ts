// Experience API errors that come before any flow (experience-api.md, README "Experience"): the OIDC
// interaction cookie (400 session.not_found, OIDC-style body), a missing experience state (404
// session.interaction_not_found), body validation (400 guard.invalid_input), E1 resetting, E2's
// switching rules, and rule 2 (a replaced record's old id answers 404).
import { describe, expect, it } from 'vitest';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite();

const E6 = '/api/experience/verification/password';
const E7 = '/api/experience/verification/verification-code';
const E8 = '/api/experience/verification/verification-code/verify';
const E21 = '/api/experience/verification/new-password-identity';

/** Every route in scope with a body that passes validation. */
const ROUTES: [string, string, unknown][] = [
  ['PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' }],
  ['POST', '/api/experience/identification', { verificationId: 'abc' }],
  ['POST', '/api/experience/submit', undefined],
  ['POST', E6, { identifier: { type: 'username', value: 'nobody' }, password: 'x' }],
  ['POST', E7, { identifier: { type: 'phone', value: '14155550000' }, interactionEvent: 'SignIn' }],
  ['POST', E8, { identifier: { type: 'phone', value: '14155550000' }, verificationId: 'abc', code: '123456' }],
  ['POST', E21, { identifier: { type: 'username', value: 'somebody' }, password: PASSWORD }],
  ['POST', '/api/experience/profile', { type: 'username', value: 'somebody' }],
  ['PUT', '/api/experience/profile/password', { password: PASSWORD }],
];

async function raw(method: string, path: string, body: unknown, cookie?: string) {
  const response = await fetch(`${x.t.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(cookie ? { cookie } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

const sessionNotFound = {
  status: 400,
  body: { code: 'session.not_found', message: expect.any(String), error: expect.any(String), error_description: expect.any(String) },
};

describe('the OIDC interaction cookie', () => {
  it('without it every route answers 400 session.not_found with the OIDC-style body', async () => {
    expect(await raw('PUT', '/api/experience', { interactionEvent: 'SignIn' }, undefined)).toEqual(sessionNotFound);
    for (const [method, path, body] of ROUTES) expect(await raw(method, path, body), `${method} ${path}`).toEqual(sessionNotFound);
  });

  it('is looked up before the body is validated', async () => {
    expect(await raw('PUT', '/api/experience', { interactionEvent: 'Nope' })).toEqual(sessionNotFound);
    expect(await raw('POST', E6, { identifier: { type: 'username' } })).toEqual(sessionNotFound);
  });

  it('a tampered cookie (value or signature) is no interaction', async () => {
    const s = await x.session(null);
    const cookie = s.jar.header(`${x.t.url}/api/experience`);
    expect(cookie).toMatch(/_interaction=/);
    expect((await raw('PUT', '/api/experience', { interactionEvent: 'SignIn' }, cookie)).status).toBe(204);
    const forgedValue = cookie.replace(/(^|; )_interaction=([^;]*)/, (_, p: string, v: string) => `${p}_interaction=${v.slice(0, -2)}zz`);
    const forgedSig = cookie.replace(/(^|; )_interaction\.sig=([^;]*)/, (_, p: string, v: string) => `${p}_interaction.sig=${v.slice(0, -2)}zz`);
    for (const forged of [forgedValue, forgedSig]) {
      expect(forged).not.toBe(cookie);
      expect(await raw('PUT', '/api/experience', { interactionEvent: 'SignIn' }, forged)).toEqual(sessionNotFound);
      expect(await raw('POST', '/api/experience/submit', undefined, forged)).toEqual(sessionNotFound);
    }
  });
});

describe('experience state', () => {
  it('before PUT /api/experience every other route answers 404 session.interaction_not_found', async () => {
    const s = await x.session(null);
    for (const [method, path, body] of ROUTES)
      expect(await s.call(method, path, body), `${method} ${path}`).toMatchObject({ status: 404, body: { code: 'session.interaction_not_found' } });
  });

  it('E1 starts over: earlier records are gone', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    expect(await s.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).toEqual({ status: 204, body: null });
    const identified = await s.call('POST', '/api/experience/identification', { verificationId: body.verificationId });
    expect(identified).toMatchObject({ status: 404, body: { code: 'session.verification_session_not_found' } });
  });
});

describe('400 guard.invalid_input', () => {
  const cases: [string, string, unknown][] = [
    ['PUT', '/api/experience', { interactionEvent: 'Nope' }],
    ['PUT', '/api/experience', {}],
    ['PUT', '/api/experience/interaction-event', { interactionEvent: 'Sign' }],
    ['POST', E6, { identifier: { type: 'username', value: 'ada' } }],
    ['POST', E6, { identifier: { type: 'nickname', value: 'ada' }, password: 'x' }],
    ['POST', E6, { identifier: { type: 'username', value: '' }, password: 'x' }],
    ['POST', E7, { identifier: { type: 'username', value: 'ada' }, interactionEvent: 'SignIn' }],
    ['POST', E7, { identifier: { type: 'phone', value: '14155550000' } }],
    ['POST', E8, { identifier: { type: 'phone', value: '14155550000' }, verificationId: 'abc' }],
    ['POST', E21, { identifier: { type: 'username', value: '1ada' }, password: PASSWORD }],
    ['POST', E21, { identifier: { type: 'email', value: 'a@example.com' }, password: PASSWORD }],
    ['POST', '/api/experience/identification', { verificationId: 42 }],
    ['POST', '/api/experience/profile', { type: 'nickname', value: 'ada' }],
    ['POST', '/api/experience/profile', { type: 'username', value: 'no spaces' }],
    ['POST', '/api/experience/profile', { type: 'email' }],
    ['PUT', '/api/experience/profile/password', {}],
  ];
  it.each(cases)('%s %s %j', async (method, path, body) => {
    const s = await x.session('Register');
    const answer = await s.call(method, path, body);
    expect(answer).toMatchObject({ status: 400, body: { code: 'guard.invalid_input', message: expect.any(String), details: expect.any(String) } });
  });
});

describe('E2 PUT /api/experience/interaction-event', () => {
  it('403 auth.forbidden when the sign-in mode disables the target event', async () => {
    await x.settings({ signInMode: 'SignIn' });
    const s = await x.session('SignIn');
    expect(await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).toMatchObject({
      status: 403,
      body: { code: 'auth.forbidden' },
    });
    await x.settings({ signInMode: 'Register' });
    const r = await x.session('Register');
    expect((await r.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' })).body.code).toBe('auth.forbidden');
    // the target is what counts, even when the interaction already has that event
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' })).body.code).toBe('auth.forbidden');
    await x.settings({ signInMode: 'SignInAndRegister' });
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
  });

  it('400 session.not_supported_for_forgot_password switching into or out of ForgotPassword', async () => {
    const notSupported = { status: 400, body: { code: 'session.not_supported_for_forgot_password' } };
    const s = await x.session('SignIn');
    expect(await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'ForgotPassword' })).toMatchObject(notSupported);
    const f = await x.session('ForgotPassword');
    expect(await f.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' })).toMatchObject(notSupported);
    expect(await f.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).toMatchObject(notSupported);
    expect(await f.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'ForgotPassword' })).toMatchObject(notSupported);
  });

  it('a switch clears the staged profile', async () => {
    const s = await x.session('Register');
    expect((await s.call('POST', '/api/experience/profile', { type: 'username', value: `staged_${x.unique()}` })).status).toBe(204);
    expect((await s.call('POST', '/api/experience/profile', { type: 'password', value: PASSWORD })).status).toBe(204);
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' })).status).toBe(204);
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
    expect(await s.call('POST', '/api/experience/identification', {})).toMatchObject({
      status: 422,
      body: { code: 'user.missing_profile', data: { missingProfile: ['username', 'password'] } },
    });
  });

  it('a switch keeps the records and the identified user', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' });
    await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'SignIn' });
    expect(await s.call('POST', '/api/experience/identification', { verificationId: body.verificationId })).toEqual({ status: 204, body: null });
    await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' });
    const submitted = await s.call('POST', '/api/experience/submit');
    expect(submitted.status).toBe(200);
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(user.id);
  });
});

describe('rule 2: one record per type', () => {
  it("a new password record voids the old one's id", async () => {
    const a = await x.newUser();
    const s = await x.session('SignIn');
    const first = await s.call('POST', E6, { identifier: { type: 'username', value: a.username }, password: PASSWORD });
    const second = await s.call('POST', E6, { identifier: { type: 'username', value: a.username }, password: PASSWORD });
    expect(second.body.verificationId).not.toBe(first.body.verificationId);
    expect(second.body.verificationId).toMatch(/^[a-z0-9]{21}$/);
    expect(await s.call('POST', '/api/experience/identification', { verificationId: first.body.verificationId })).toMatchObject({
      status: 404,
      body: { code: 'session.verification_session_not_found' },
    });
    expect((await s.call('POST', '/api/experience/identification', { verificationId: second.body.verificationId })).status).toBe(204);
  });

  it("a new code record voids the old one's id (verify answers 404), other types stay", async () => {
    const phone = x.phone();
    const user = await x.newUser({ primaryPhone: phone });
    const s = await x.session('SignIn');
    const identifier = { type: 'phone', value: phone };
    const password = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    const first = await s.call('POST', E7, { identifier, interactionEvent: 'SignIn' });
    const code = x.lastCode(identifier);
    const second = await s.call('POST', E7, { identifier, interactionEvent: 'SignIn' });
    expect(await s.call('POST', E8, { identifier, verificationId: first.body.verificationId, code })).toMatchObject({
      status: 404,
      body: { code: 'session.verification_session_not_found' },
    });
    expect((await s.call('POST', E8, { identifier, verificationId: second.body.verificationId, code: x.lastCode(identifier) })).status).toBe(200);
    expect((await s.call('POST', '/api/experience/identification', { verificationId: password.body.verificationId })).status).toBe(204);
  });
});
