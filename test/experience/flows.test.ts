// The Experience API end to end: openid-client starts authorization code + PKCE, the test follows
// the redirect to get the interaction cookie, drives /api/experience/* like a sign-in page, follows
// redirectTo back through the provider, exchanges the code and reads userinfo for the right user.
// Codes are read from real message captures: an SMTP server and the SMS gateway on loopback.
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startExperience } from '../helpers/experience.ts';
import { BASE_SETTINGS } from '../helpers/experience-suite.ts';
import { createRelyingParty, exchange, follow, type ManagedServer, type RelyingParty } from '../helpers/oidc-flow.ts';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp-server.ts';
import { managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let smtp: SmtpCapture;
let rp: RelyingParty;
const server = {} as ManagedServer;

beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ env: { VERITY_EMAIL_CONNECTOR: 'smtp', VERITY_SMTP_URL: smtp.url } });
  Object.assign(server, { url: t.url, token: await managementToken(t) });
  rp = await createRelyingParty(server, 'SPA');
  await admin('PATCH', '/api/sign-in-exp', BASE_SETTINGS);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${t.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

let n = 0;
const unique = () => `${Date.now().toString(36)}${++n}`;
const newUser = (fields: Record<string, unknown>) => admin('POST', '/api/users', fields);

async function userinfoSub(session: Awaited<ReturnType<typeof startExperience>>, accessToken: string) {
  return (await client.fetchUserInfo(session.config, accessToken, client.skipSubjectCheck)).sub;
}

describe('sign-in, registration and reset through the Experience API', () => {
  it('signs in with username and password', async () => {
    const username = `ada_${unique()}`;
    const user = await newUser({ username, password: 'Correct-Horse-9' });
    const s = await startExperience(t.url, t.config.issuer, rp);
    expect((await s.call('PUT', '/api/experience', { interactionEvent: 'SignIn' })).status).toBe(204);
    const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password: 'Correct-Horse-9' });
    expect(verified.status).toBe(200);
    expect((await s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId })).status).toBe(204);
    const submitted = await s.call('POST', '/api/experience/submit');
    expect(submitted.status).toBe(200);
    const tokens = await s.finish(submitted.body.redirectTo);
    expect(tokens.claims()?.sub).toBe(user.id);
    expect(await userinfoSub(s, tokens.access_token)).toBe(user.id);
  });

  it('signs in with a code emailed to the address', async () => {
    const email = `grace.${unique()}@example.com`;
    const user = await newUser({ primaryEmail: email, username: `grace_${unique()}`, password: 'Grace-Hopper-1906' });
    const s = await startExperience(t.url, t.config.issuer, rp);
    await s.call('PUT', '/api/experience', { interactionEvent: 'SignIn' });
    const identifier = { type: 'email', value: email };
    const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier, interactionEvent: 'SignIn' });
    expect(sent.status).toBe(200);
    const mail = smtp.received.find((m) => m.envelopeTo.includes(email))!;
    expect(mail.headers.subject).toBe('Your sign-in code');
    const code = smtp.lastCode(email)!;
    const verified = await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier, verificationId: sent.body.verificationId, code });
    expect(verified).toEqual({ status: 200, body: { verificationId: sent.body.verificationId } });
    expect((await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })).status).toBe(204);
    const tokens = await s.finish((await s.call('POST', '/api/experience/submit')).body.redirectTo);
    expect(await userinfoSub(s, tokens.access_token)).toBe(user.id);
  });

  it('a user suspended after submit gets no code, and one suspended after the code gets no tokens', async () => {
    // The resume and the token endpoint read the user with the interaction or the code they read:
    // the user as it is at that request, not as it was at submit.
    const signedIn = async () => {
      const username = `lin_${unique()}`;
      const user = await newUser({ username, password: 'Correct-Horse-9' });
      const s = await startExperience(t.url, t.config.issuer, rp);
      await s.call('PUT', '/api/experience', { interactionEvent: 'SignIn' });
      const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password: 'Correct-Horse-9' });
      await s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId });
      const submitted = await s.call('POST', '/api/experience/submit');
      expect(submitted.status).toBe(200);
      return { user, s, redirectTo: submitted.body.redirectTo as string };
    };
    const suspend = (id: string) => admin('PATCH', `/api/users/${id}/is-suspended`, { isSuspended: true });

    const before = await signedIn();
    await suspend(before.user.id);
    const resumed = await follow(before.s.jar, before.redirectTo);
    // No code reaches the client: the browser is sent to sign in again (a new interaction), as for
    // a session without an account, never a 500.
    expect(resumed.response.status).toBe(303);
    const again = new URL(resumed.location!);
    expect(again.searchParams.has('code')).toBe(false);
    expect(again.pathname).toBe('/sign-in');
    expect(again.searchParams.get('uid')).toBeTruthy();

    const after = await signedIn();
    const { location } = await follow(after.s.jar, after.redirectTo);
    expect(new URL(location!).searchParams.get('code')).toBeTruthy();
    await suspend(after.user.id);
    await expect(exchange(after.s.config, location!, after.s.request)).rejects.toThrow();
  });

  it('registers with a username and password (201), then signs the new user in', async () => {
    const username = `new_${unique()}`;
    const s = await startExperience(t.url, t.config.issuer, rp);
    await s.call('PUT', '/api/experience', { interactionEvent: 'Register' });
    const identity = await s.call('POST', '/api/experience/verification/new-password-identity', {
      identifier: { type: 'username', value: username },
      password: 'Vq8#mLp2!zR',
    });
    expect(identity.status).toBe(200);
    expect((await s.call('POST', '/api/experience/identification', { verificationId: identity.body.verificationId })).status).toBe(201);
    const tokens = await s.finish((await s.call('POST', '/api/experience/submit')).body.redirectTo);
    const [created] = await admin('GET', `/api/users?search.username=${username}&mode.username=exact`);
    expect(created).toMatchObject({ username, hasPassword: true });
    expect(await userinfoSub(s, tokens.access_token)).toBe(created.id);
  });

  it('registers with a verified email when sign-up asks for an email', async () => {
    await admin('PATCH', '/api/sign-in-exp', { signUp: { identifiers: ['email'], password: false, verify: true } });
    try {
      const email = `reg.${unique()}@example.com`;
      const s = await startExperience(t.url, t.config.issuer, rp);
      await s.call('PUT', '/api/experience', { interactionEvent: 'Register' });
      const identifier = { type: 'email', value: email };
      const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier, interactionEvent: 'Register' });
      expect(smtp.received.find((m) => m.envelopeTo.includes(email))!.headers.subject).toBe('Verify your email');
      await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier, verificationId: sent.body.verificationId, code: smtp.lastCode(email) });
      expect((await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })).status).toBe(201);
      const tokens = await s.finish((await s.call('POST', '/api/experience/submit')).body.redirectTo);
      const info = await client.fetchUserInfo(s.config, tokens.access_token, client.skipSubjectCheck);
      expect(info).toMatchObject({ email, email_verified: true });
    } finally {
      await admin('PATCH', '/api/sign-in-exp', { signUp: { identifiers: ['username'], password: true, verify: false } });
    }
  });

  it('resets a password with a code texted to the phone; the old password stops working', async () => {
    const phone = `1415555${String(1000 + (n % 9000)).padStart(4, '0')}`;
    const username = `reset_${unique()}`;
    await newUser({ username, primaryPhone: phone, password: 'Old-Passw0rd!' });
    const s = await startExperience(t.url, t.config.issuer, rp);
    await s.call('PUT', '/api/experience', { interactionEvent: 'ForgotPassword' });
    const identifier = { type: 'phone', value: phone };
    const sent = await s.call('POST', '/api/experience/verification/verification-code', { identifier, interactionEvent: 'ForgotPassword' });
    expect(sent.status).toBe(200);
    const code = t.sms.lastCode(`+${phone}`)!;
    await s.call('POST', '/api/experience/verification/verification-code/verify', { identifier, verificationId: sent.body.verificationId, code });
    expect((await s.call('POST', '/api/experience/identification', { verificationId: sent.body.verificationId })).status).toBe(204);
    expect((await s.call('PUT', '/api/experience/profile/password', { password: 'Old-Passw0rd!' })).body.code).toBe('user.same_password');
    expect((await s.call('PUT', '/api/experience/profile/password', { password: 'N3w-Sturdy-Pass' })).status).toBe(204);
    expect(await s.call('POST', '/api/experience/submit')).toEqual({ status: 200, body: null });
    expect((await s.call('POST', '/api/experience/submit')).body.code).toBe('session.interaction_not_found');

    const again = await startExperience(t.url, t.config.issuer, rp);
    await again.call('PUT', '/api/experience', { interactionEvent: 'SignIn' });
    const old = await again.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password: 'Old-Passw0rd!' });
    expect(old).toMatchObject({ status: 422, body: { code: 'session.invalid_credentials' } });
    const fresh = await again.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: username }, password: 'N3w-Sturdy-Pass' });
    expect(fresh.status).toBe(200);
  });
});
