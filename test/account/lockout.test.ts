// The Account API's password (A1) and code (A3) checks count in the identifier lockout the
// Experience API counts in (5 failures within an hour block for 10 minutes; the 5th is already
// answered as blocked): A1 under the user's own key and each identifier it signs in with, A3 under
// the identifier the code was sent to. Shared both ways with E6, over HTTP against a real database.
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/experience-suite.ts';
import { useAccountSuite } from '../helpers/account.ts';

const suite = useAccountSuite();

const A1 = '/api/verifications/password';
const A3 = '/api/verifications/verification-code/verify';
const E6 = '/api/experience/verification/password';
const WRONG = 'Wrong-Passw0rd!';
const BLOCKED = { status: 400, code: 'session.verification_blocked_too_many_attempts' };
const outcome = (answer: { status: number; body: any }) => ({ status: answer.status, code: answer.body?.code });
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

type User = Awaited<ReturnType<typeof suite.signedInUser>>;
const a1 = async (user: User, password: string) => outcome(await suite.account('POST', A1, user.accessToken, { password }));

/** E6 in a fresh SignIn interaction. */
async function e6(identifier: { type: string; value: string }, password: string) {
  const s = await suite.session('SignIn');
  return outcome(await s.call('POST', E6, { identifier, password }));
}

/** The user's sign-in identifiers as E6 takes them (the email in another case: normalised alike). */
const identifiersOf = (user: User) => [
  { type: 'username', value: user.username },
  { type: 'email', value: user.primaryEmail.toUpperCase() },
  { type: 'phone', value: `+${user.primaryPhone}` },
];

describe('A1 lockout, keyed on the user and shared with the Experience API', () => {
  it('the 5th wrong password is answered as blocked; then even the right one is refused, until the block ends', async () => {
    const user = await suite.signedInUser();
    for (let i = 1; i <= 4; i++) expect(await a1(user, WRONG)).toEqual({ status: 422, code: 'session.invalid_credentials' });
    expect(await a1(user, WRONG)).toEqual(BLOCKED);
    expect(await a1(user, PASSWORD)).toEqual(BLOCKED);
    suite.t.clock.advance(601_000);
    expect((await a1(user, PASSWORD)).status).toBe(201);
  });

  it('5 wrong A1 passwords block the Experience password sign-in by the username, email and phone', async () => {
    const user = await suite.signedInUser();
    for (let i = 0; i < 5; i++) await a1(user, WRONG);
    for (const identifier of identifiersOf(user)) expect(await e6(identifier, PASSWORD), identifier.type).toEqual(BLOCKED);
  });

  it('5 wrong Experience sign-ins by any of its identifiers block A1', async () => {
    for (const pick of [0, 1, 2]) {
      const user = await suite.signedInUser();
      const identifier = identifiersOf(user)[pick]!;
      for (let i = 1; i <= 4; i++) expect(await e6(identifier, WRONG)).toEqual({ status: 422, code: 'session.invalid_credentials' });
      expect(await e6(identifier, WRONG)).toEqual(BLOCKED);
      expect(await a1(user, PASSWORD), identifier.type).toEqual(BLOCKED);
    }
  });

  it("counts under the user's own key too: new identifiers do not lift the block", async () => {
    const user = await suite.signedInUser();
    for (let i = 0; i < 5; i++) await a1(user, WRONG);
    await suite.admin('PATCH', `/api/users/${user.id}`, {
      username: `u_${suite.unique()}`,
      primaryEmail: `fresh.${suite.unique()}@example.com`,
      primaryPhone: suite.phone(),
    });
    expect(await a1(user, PASSWORD)).toEqual(BLOCKED);
  });

  it('a success forgets the failures, its own and the Experience sign-ins’ by its identifiers', async () => {
    const user = await suite.signedInUser();
    const [username] = identifiersOf(user);
    // 2 wrong A1 (each key: 2) and 2 wrong sign-ins by the username (its key: 4)
    for (let i = 0; i < 2; i++) await a1(user, WRONG);
    for (let i = 0; i < 2; i++) await e6(username!, WRONG);
    expect((await a1(user, PASSWORD)).status).toBe(201);
    // without the forgetting, the first of these would be the username's 5th failure
    for (let i = 0; i < 4; i++) expect(await e6(username!, WRONG)).toEqual({ status: 422, code: 'session.invalid_credentials' });
    // and this wrong A1 is the username's 5th since the success: answered as blocked
    expect(await a1(user, WRONG)).toEqual(BLOCKED);
  });
});

describe('A3 lockout', () => {
  it("wrong codes count towards the email's lockout, which the Experience sign-in by that email shares", async () => {
    const user = await suite.signedInUser();
    const identifier = { type: 'email', value: user.primaryEmail } as const;
    const sent = await suite.account('POST', '/api/verifications/verification-code', user.accessToken, { identifier });
    const code = suite.lastCode(identifier);
    const verify = async (c: string) => outcome(await suite.account('POST', A3, user.accessToken, { identifier, verificationId: sent.body.verificationRecordId, code: c }));
    for (let i = 1; i <= 4; i++) expect(await verify(wrongCode(code))).toEqual({ status: 400, code: 'verification_code.code_mismatch' });
    expect(await verify(wrongCode(code))).toEqual(BLOCKED);
    expect(await verify(code)).toEqual(BLOCKED);
    const [stored] = await suite.t.db.query<{ data: any }>('SELECT data FROM verification_records WHERE id = $1', [sent.body.verificationRecordId]);
    expect(stored!.data.verified).toBe(false);
    expect(await e6({ type: 'email', value: user.primaryEmail }, PASSWORD)).toEqual(BLOCKED);
    // and A1, which counts under the user's email too
    expect(await a1(user, PASSWORD)).toEqual(BLOCKED);
  });
});
