// The Experience API does not tell which accounts exist before identification: for an identifier
// with an account and one without, password sign-in (E6), code sending and checking (E7/E8) and the
// lockout answer with the same status and body. (E3's 404 user.user_not_exist, after a verified
// code, is the spec's one deliberate answer about existence.)
import { describe, expect, it } from 'vitest';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite({ email: true });

const E6 = '/api/experience/verification/password';
const E7 = '/api/experience/verification/verification-code';
const E8 = '/api/experience/verification/verification-code/verify';
type Identifier = { type: string; value: string };

/** An identifier of each type with an account, and the same type without one. */
async function pairs(): Promise<[Identifier, Identifier][]> {
  const mail = `has.${x.unique()}@example.com`;
  const phone = x.phone();
  const user = await x.newUser({ primaryEmail: mail, primaryPhone: phone });
  return [
    [{ type: 'username', value: user.username }, { type: 'username', value: `none_${x.unique()}` }],
    [{ type: 'email', value: mail }, { type: 'email', value: `none.${x.unique()}@example.com` }],
    [{ type: 'phone', value: phone }, { type: 'phone', value: x.phone() }],
  ];
}

/** The answer with its record id replaced, so two answers compare by shape. */
const shape = (answer: { status: number; body: any }) => ({
  ...answer,
  body: answer.body?.verificationId ? { ...answer.body, verificationId: answer.body.verificationId.replace(/[a-z0-9]/g, 'x') } : answer.body,
});
const wrongCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

describe('existing and missing identifiers answer alike', () => {
  it('password sign-in: the same 422 body', async () => {
    const s = await x.session('SignIn');
    for (const [existing, missing] of await pairs()) {
      const a = await s.call('POST', E6, { identifier: existing, password: 'Wrong-Passw0rd!' });
      const b = await s.call('POST', E6, { identifier: missing, password: 'Wrong-Passw0rd!' });
      expect(a).toEqual({ status: 422, body: { code: 'session.invalid_credentials', message: expect.any(String) } });
      expect(b).toEqual(a);
      // the right password of the existing one against the missing one is no different
      expect(await s.call('POST', E6, { identifier: missing, password: PASSWORD })).toEqual(a);
    }
  });

  it('code sending and checking: 200 of the same shape, a message sent either way, the same errors', async () => {
    for (const [existing, missing] of (await pairs()).slice(1)) {
      for (const event of ['SignIn', 'ForgotPassword'] as const) {
        const s = await x.session(event);
        const answers = [];
        for (const identifier of [existing, missing]) {
          const sent = await s.call('POST', E7, { identifier, interactionEvent: event });
          const code = x.lastCode(identifier);
          const wrong = await s.call('POST', E8, { identifier, verificationId: sent.body.verificationId, code: wrongCode(code) });
          const right = await s.call('POST', E8, { identifier, verificationId: sent.body.verificationId, code });
          answers.push({ sent: shape(sent), wrong, right: shape(right) });
        }
        expect(answers[0]!.sent).toEqual({ status: 200, body: { verificationId: 'x'.repeat(21) } });
        expect(answers[0]!.wrong).toMatchObject({ status: 400, body: { code: 'verification_code.code_mismatch' } });
        expect(answers[0]!.right).toEqual(answers[0]!.sent);
        expect(answers[1]).toEqual(answers[0]);
      }
    }
  });

  it('the lockout: the same answers on the way to it and once blocked (password and code failures)', async () => {
    const s = await x.session('SignIn');
    const trail = async (identifier: Identifier, fail: (s: ExperienceSession, i: Identifier) => Promise<{ status: number; body: any }>) => {
      const answers = [];
      for (let i = 0; i < 6; i += 1) answers.push(await fail(s, identifier));
      return answers;
    };
    const byPassword = (session: ExperienceSession, identifier: Identifier) =>
      session.call('POST', E6, { identifier, password: 'Wrong-Passw0rd!' });
    const byCode = async (session: ExperienceSession, identifier: Identifier) => {
      const sent = await session.call('POST', E7, { identifier, interactionEvent: 'SignIn' });
      return session.call('POST', E8, { identifier, verificationId: sent.body.verificationId, code: wrongCode(x.lastCode(identifier)) });
    };
    for (const [existing, missing] of await pairs()) {
      const a = await trail(existing, byPassword);
      expect(a.slice(0, 4).map((r) => r.status)).toEqual([422, 422, 422, 422]);
      expect(a[4]).toEqual({ status: 400, body: { code: 'session.verification_blocked_too_many_attempts', message: expect.any(String) } });
      expect(a[5]).toEqual(a[4]);
      expect(await trail(missing, byPassword)).toEqual(a);
    }
    for (const [existing, missing] of (await pairs()).slice(1)) {
      const a = await trail(existing, byCode);
      expect(a.slice(0, 4).map((r) => r.body.code)).toEqual(Array(4).fill('verification_code.code_mismatch'));
      expect(a[4]!.body.code).toBe('session.verification_blocked_too_many_attempts');
      expect(await trail(missing, byCode)).toEqual(a);
    }
  });
});
