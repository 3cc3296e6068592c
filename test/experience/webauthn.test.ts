// Passkeys through the Experience API (E15–E18) with a software authenticator: a passkey is
// registered, bound (E22) and written at submit, then proves MFA at the next sign-in; every forged
// answer (origin, RP id hash, client data type, challenge, user presence, sign counter, another
// user's credential, a replay, an expired challenge) is refused with its documented code.
import { randomBytes } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { CEREMONY_TIMEOUT_MS } from '../../src/domain/verification/webauthn-ceremony.ts';
import { createAuthenticator, type Ceremony, type SoftAuthenticator } from '../helpers/authenticator.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { useExperienceSuite } from '../helpers/experience-suite.ts';

const RP: Ceremony = { rpId: 'example.test', origin: 'https://login.example.test' };
const W = '/api/experience/verification/web-authn';
const x = useExperienceSuite({ env: { VERITY_WEBAUTHN_RP_ID: 'example.test', VERITY_WEBAUTHN_ORIGINS: 'https://login.example.test' } });
type User = Awaited<ReturnType<typeof x.newUser>>;

beforeEach(() => x.settings({ mfa: { factors: ['WebAuthn', 'Totp'], policy: 'UserControlled' } }));

const refused = (code: string, status = 400) => ({ status, body: expect.objectContaining({ code }) });

async function registration(s: ExperienceSession) {
  const started = await s.call('POST', `${W}/registration`);
  expect(started.status).toBe(200);
  return started.body as { verificationId: string; registrationOptions: Record<string, any> & { challenge: string } };
}

async function authentication(s: ExperienceSession) {
  const started = await s.call('POST', `${W}/authentication`);
  expect(started.status).toBe(200);
  return started.body as { verificationId: string; authenticationOptions: Record<string, any> & { challenge: string } };
}

const verifyRegistration = (s: ExperienceSession, verificationId: string, payload: unknown) =>
  s.call('POST', `${W}/registration/verify`, { verificationId, payload });
const verifyAuthentication = (s: ExperienceSession, verificationId: string, payload: unknown) =>
  s.call('POST', `${W}/authentication/verify`, { verificationId, payload });

/** Registers `auth` for the user, binds it and submits: the credential is written. */
async function enrol(user: User, auth: SoftAuthenticator = createAuthenticator()): Promise<SoftAuthenticator> {
  const s = await x.identified(user.username);
  const { verificationId, registrationOptions } = await registration(s);
  expect(await verifyRegistration(s, verificationId, auth.create(registrationOptions, RP))).toEqual({ status: 200, body: { verificationId } });
  expect((await s.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId })).status).toBe(204);
  expect((await s.call('POST', '/api/experience/submit')).status).toBe(200);
  return auth;
}

/** The interaction's E16/E18 audit rows. */
const submitRows = async (interactionId: string) =>
  ((await x.admin('GET', `/api/logs?logKey=${encodeURIComponent('Interaction.SignIn.Verification.WebAuthn.Submit')}&page_size=100`)) as { payload: Record<string, any> }[])
    .map((l) => l.payload)
    .filter((p) => p.interactionId === interactionId);

const storedCredentials = (userId: string) =>
  x.t.db.query<{ credential_id: string; counter: string; agent: string | null; transports: string[] }>(
    `SELECT credential_id, counter::text AS counter, agent, transports FROM user_mfa_factors WHERE user_id = $1 AND type = 'WebAuthn'`,
    [userId],
  );

describe('a passkey, end to end', () => {
  it('is registered, bound and written at submit, then proves MFA at the next sign-in', async () => {
    const user = await x.newUser();
    const s = await x.identified(user.username);
    const { verificationId, registrationOptions: options } = await registration(s);
    expect(options).toMatchObject({ rp: { id: 'example.test' }, user: { name: user.username }, attestation: 'none', excludeCredentials: [] });
    expect(Buffer.from(options.challenge, 'base64url').length).toBeGreaterThanOrEqual(32);
    expect(options.timeout).toBe(CEREMONY_TIMEOUT_MS);
    const auth = createAuthenticator();
    expect((await verifyRegistration(s, verificationId, auth.create(options, RP))).status).toBe(200);
    expect((await s.call('POST', '/api/experience/profile/mfa', { type: 'WebAuthn', verificationId })).status).toBe(204);
    expect((await s.call('POST', '/api/experience/submit')).status).toBe(200);
    expect(await storedCredentials(user.id)).toEqual([{ credential_id: auth.credentialId, counter: '0', agent: expect.any(String), transports: ['internal'] }]);

    const next = await x.identified(user.username);
    expect(await next.call('POST', '/api/experience/submit')).toEqual(refused('session.mfa.require_mfa_verification', 403));
    const challenge = await authentication(next);
    expect(challenge.authenticationOptions).toMatchObject({ rpId: 'example.test', userVerification: 'preferred', allowCredentials: [{ id: auth.credentialId }] });
    expect(Buffer.from(challenge.authenticationOptions.challenge, 'base64url').length).toBeGreaterThanOrEqual(32);
    const verified = await verifyAuthentication(next, challenge.verificationId, auth.get(challenge.authenticationOptions, RP));
    expect(verified).toEqual({ status: 200, body: { verificationId: challenge.verificationId } });
    const submitted = await next.call('POST', '/api/experience/submit');
    expect(submitted.status).toBe(200);
    const tokens = await next.finish(submitted.body.redirectTo);
    expect(tokens.claims()).toMatchObject({ sub: user.id, amr: expect.arrayContaining(['hwk', 'mfa']) });
    expect((await storedCredentials(user.id))[0]!.counter).toBe('1');
  });

  it('lists the credentials the user already has as excluded', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const s = await x.identified(user.username);
    expect((await registration(s)).registrationOptions.excludeCredentials).toEqual([expect.objectContaining({ id: auth.credentialId })]);
  });

  it('accepts an authenticator without a sign counter (0 then 0)', async () => {
    const user = await x.newUser();
    const auth = await enrol(user, createAuthenticator({ counting: false }));
    for (let i = 0; i < 2; i += 1) {
      const s = await x.identified(user.username);
      const { verificationId, authenticationOptions } = await authentication(s);
      expect((await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, RP))).status).toBe(200);
    }
  });
});

/** What each forgery changes; the genuine answer on the same record is accepted afterwards. */
const forgeries: [string, (own: 'webauthn.create' | 'webauthn.get') => Partial<Ceremony>][] = [
  ['another origin', () => ({ origin: 'https://login.evil.test' })],
  ['another RP id hash', () => ({ rpId: 'evil.test' })],
  ['the other ceremony type', (own) => ({ type: own === 'webauthn.get' ? 'webauthn.create' : 'webauthn.get' })],
  ['another challenge', () => ({ challenge: randomBytes(32).toString('base64url') })],
  ['no user presence', () => ({ flags: { up: false, uv: false } })],
];

describe('forged registrations are refused (E16)', () => {
  it.each(forgeries)('%s', async (_, forge) => {
    const user = await x.newUser();
    const s = await x.identified(user.username);
    const { verificationId, registrationOptions } = await registration(s);
    const auth = createAuthenticator();
    const forged = auth.create(registrationOptions, { ...RP, ...forge('webauthn.create') });
    expect(await verifyRegistration(s, verificationId, forged)).toEqual(refused('session.mfa.webauthn_verification_failed'));
    expect((await verifyRegistration(s, verificationId, auth.create(registrationOptions, RP))).status).toBe(200);
  });

  it('a challenge past its timeout', async () => {
    const s = await x.identified((await x.newUser()).username);
    const { verificationId, registrationOptions } = await registration(s);
    x.t.clock.advance(CEREMONY_TIMEOUT_MS);
    expect(await verifyRegistration(s, verificationId, createAuthenticator().create(registrationOptions, RP))).toEqual(
      refused('session.mfa.webauthn_verification_failed'),
    );
  });

  it('a replay: the same record again, or the same response on a new record', async () => {
    const s = await x.identified((await x.newUser()).username);
    const first = await registration(s);
    const auth = createAuthenticator();
    const response = auth.create(first.registrationOptions, RP);
    expect((await verifyRegistration(s, first.verificationId, response)).status).toBe(200);
    expect(await verifyRegistration(s, first.verificationId, response)).toEqual(refused('session.mfa.pending_info_not_found'));
    const second = await registration(s);
    expect(await verifyRegistration(s, second.verificationId, response)).toEqual(refused('session.mfa.webauthn_verification_failed'));
  });

  it('a credential another user already registered (credentials are unique across users)', async () => {
    const auth = await enrol(await x.newUser());
    const s = await x.identified((await x.newUser()).username);
    const { verificationId, registrationOptions } = await registration(s);
    expect(await verifyRegistration(s, verificationId, auth.create(registrationOptions, RP))).toEqual(refused('session.mfa.webauthn_verification_failed'));
  });

  it('malformed base64 or CBOR is a refusal, not an error', async () => {
    const s = await x.identified((await x.newUser()).username);
    const { verificationId, registrationOptions } = await registration(s);
    const genuine = createAuthenticator().create(registrationOptions, RP);
    for (const response of [
      { ...genuine.response, attestationObject: '%%%not base64%%%' },
      { ...genuine.response, attestationObject: Buffer.from([0xff, 0x00, 0x13]).toString('base64url') },
      { ...genuine.response, clientDataJSON: Buffer.from('{"type":').toString('base64url') },
    ]) {
      expect(await verifyRegistration(s, verificationId, { ...genuine, response })).toEqual(refused('session.mfa.webauthn_verification_failed'));
    }
    expect(await verifyRegistration(s, verificationId, { ...genuine, type: 'public-key' })).toEqual(refused('guard.invalid_input'));
    const { clientExtensionResults: _, ...withoutExtensions } = genuine;
    expect(await verifyRegistration(s, verificationId, withoutExtensions)).toEqual(refused('guard.invalid_input'));
  });
});

describe('forged assertions are refused (E18)', () => {
  it.each(forgeries)('%s', async (_, forge) => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    const forged = auth.get(authenticationOptions, { ...RP, ...forge('webauthn.get') });
    expect(await verifyAuthentication(s, verificationId, forged)).toEqual(refused('session.mfa.webauthn_verification_failed'));
    expect((await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, RP))).status).toBe(200);
  });

  it('a challenge past its timeout', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    x.t.clock.advance(CEREMONY_TIMEOUT_MS);
    expect(await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, RP))).toEqual(refused('session.mfa.webauthn_verification_failed'));
  });

  it('a replay: the same record again, or the same response on a new record', async () => {
    const user = await x.newUser();
    const auth = await enrol(user, createAuthenticator({ counting: false }));
    const s = await x.identified(user.username);
    const first = await authentication(s);
    const response = auth.get(first.authenticationOptions, RP);
    expect((await verifyAuthentication(s, first.verificationId, response)).status).toBe(200);
    expect(await verifyAuthentication(s, first.verificationId, response)).toEqual(refused('session.mfa.pending_info_not_found'));
    const second = await authentication(s);
    expect(await verifyAuthentication(s, second.verificationId, response)).toEqual(refused('session.mfa.webauthn_verification_failed'));
  });

  it('one challenge answered twice at once: one verify passes', async () => {
    const user = await x.newUser();
    const auth = await enrol(user, createAuthenticator({ counting: false }));
    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    const response = auth.get(authenticationOptions, RP);
    const answers = await Promise.all([1, 2, 3].map(() => verifyAuthentication(s, verificationId, response)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400, 400]);
    expect(answers.filter((a) => a.status === 400)).toEqual([
      refused('session.mfa.pending_info_not_found'),
      refused('session.mfa.pending_info_not_found'),
    ]);
    // The losers are audited as refused, not as the success their signature check was.
    expect((await submitRows(s.uid)).map((p) => p.result).sort()).toEqual(['Error', 'Error', 'Success']);
  });

  it("another user's credential", async () => {
    const other = await enrol(await x.newUser());
    const user = await x.newUser();
    await enrol(user);
    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    expect(await verifyAuthentication(s, verificationId, other.get(authenticationOptions, RP))).toEqual(refused('session.mfa.webauthn_verification_failed'));
  });

  it('a user handle naming another user', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    const userHandle = Buffer.from('someone-else').toString('base64url');
    expect(await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, { ...RP, userHandle }))).toEqual(
      refused('session.mfa.webauthn_verification_failed'),
    );
    const own = Buffer.from(user.id).toString('base64url');
    expect((await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, { ...RP, userHandle: own }))).status).toBe(200);
  });

  it('a sign counter that does not advance, refused and audited', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const first = await x.identified(user.username);
    const one = await authentication(first);
    expect((await verifyAuthentication(first, one.verificationId, auth.get(one.authenticationOptions, RP))).status).toBe(200);

    const s = await x.identified(user.username);
    const { verificationId, authenticationOptions } = await authentication(s);
    for (const counter of [1, 0]) {
      expect(await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, { ...RP, counter }))).toEqual(
        refused('session.mfa.webauthn_verification_failed'),
      );
    }
    const rows = (await submitRows(s.uid)).filter((p) => p.result === 'Error');
    expect(rows.map((p) => p.error)).toEqual(
      expect.arrayContaining([
        { code: 'session.mfa.webauthn_verification_failed', message: expect.stringContaining('sign counter did not advance (stored 1, presented 0)') },
        { code: 'session.mfa.webauthn_verification_failed', message: expect.stringContaining('sign counter did not advance (stored 1, presented 1)') },
      ]),
    );
    expect(JSON.stringify(rows)).not.toContain(authenticationOptions.challenge);
    expect((await storedCredentials(user.id))[0]!.counter).toBe('1');
    expect((await verifyAuthentication(s, verificationId, auth.get(authenticationOptions, RP))).status).toBe(200);
    expect((await storedCredentials(user.id))[0]!.counter).toBe('2');
  });
});

describe('what E15–E18 refuse before any ceremony', () => {
  it('an interaction without an identified user: 404 session.identifier_not_found', async () => {
    const s = await x.session('SignIn');
    const payload = createAuthenticator().create({ challenge: 'AAAA' }, RP);
    for (const path of ['/registration', '/authentication']) expect(await s.call('POST', `${W}${path}`)).toEqual(refused('session.identifier_not_found', 404));
    expect(await verifyRegistration(s, 'x', payload)).toEqual(refused('session.identifier_not_found', 404));
    expect(await verifyAuthentication(s, 'x', { ...payload, response: { clientDataJSON: 'AA', authenticatorData: 'AA', signature: 'AA' } })).toEqual(
      refused('session.identifier_not_found', 404),
    );
  });

  it('an unknown record, or another interaction’s: 404 session.verification_session_not_found', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const elsewhere = await x.identified(user.username);
    const theirs = await registration(elsewhere);
    const s = await x.identified(user.username);
    const { authenticationOptions } = await authentication(s);
    for (const id of ['no-such-record', theirs.verificationId]) {
      expect(await verifyRegistration(s, id, auth.create(theirs.registrationOptions, RP))).toEqual(refused('session.verification_session_not_found', 404));
      expect(await verifyAuthentication(s, id, auth.get(authenticationOptions, RP))).toEqual(refused('session.verification_session_not_found', 404));
    }
  });

  it('a record of the other ceremony: 400 session.mfa.pending_info_not_found', async () => {
    const user = await x.newUser();
    const auth = await enrol(user);
    const s = await x.identified(user.username);
    const started = await authentication(s);
    expect(await verifyRegistration(s, started.verificationId, auth.create(started.authenticationOptions, RP))).toEqual(
      refused('session.mfa.pending_info_not_found'),
    );
    const created = await registration(s);
    expect(await verifyAuthentication(s, created.verificationId, auth.get(created.registrationOptions, RP))).toEqual(
      refused('session.mfa.pending_info_not_found'),
    );
  });

  it('E17 for a user without a passkey: 400 session.mfa.webauthn_verification_not_found', async () => {
    const s = await x.identified((await x.newUser()).username);
    expect(await s.call('POST', `${W}/authentication`)).toEqual(refused('session.mfa.webauthn_verification_not_found'));
  });
});
