// Account API writes at the same time (my-account-api.md M3–M8, M10): the database decides, never the
// process. On PostgreSQL the requests really overlap; on PGlite they serialise, and the answers must
// be the same. Never a 5xx.
import { describe, expect, it } from 'vitest';
import { useAccountSuite } from '../helpers/account.ts';
import { codeRecord, passwordRecord, proof } from '../helpers/account-records.ts';
import { BASE_SETTINGS } from '../helpers/experience-suite.ts';

const suite = useAccountSuite();

const statuses = (answers: { status: number; body: any }[]) => answers.map((a) => `${a.status} ${a.body?.code ?? ''}`.trim()).sort();

describe('Account API races', () => {
  it('two users taking the same new email at once: exactly one 204 and one 422 user.email_already_in_use', async () => {
    for (let round = 0; round < 3; round += 1) {
      const [a, b] = await Promise.all([suite.signedInUser(), suite.signedInUser()]);
      const email = `race.${suite.unique()}@example.com`;
      const answers = await Promise.all(
        [a, b].map(async (user, i) =>
          suite.account(
            'POST',
            '/api/my-account/primary-email',
            user.accessToken,
            { email: i === 0 ? email : email.toUpperCase(), newIdentifierVerificationRecordId: await codeRecord(suite, user.id, 'email', i === 0 ? email : email.toUpperCase()) },
            proof(await passwordRecord(suite, user.id)),
          ),
        ),
      );
      expect(statuses(answers)).toEqual(['204', '422 user.email_already_in_use']);
      const [row] = await suite.t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM users WHERE lower(primary_email) = $1', [email]);
      expect(row!.n).toBe(1);
    }
  });

  it('parallel password changes of one user: each 204 or 422, and exactly one of the passwords signs in afterwards', async () => {
    const user = await suite.signedInUser();
    const header = proof(await passwordRecord(suite, user.id));
    const passwords = ['Hq7!mZp3#rTx', 'Wd2$kLv8@nYe', 'Bf5%tRj1&cUo'];
    const answers = await Promise.all(passwords.map((password) => suite.account('POST', '/api/my-account/password', user.accessToken, { password }, header)));
    for (const answer of answers) expect(['204', '422 user.same_password']).toContain(statuses([answer])[0]);
    const signIns = await Promise.allSettled(passwords.map((password) => suite.signIn(user.username, 'openid', password)));
    expect(signIns.filter((s) => s.status === 'fulfilled')).toHaveLength(1);
    // the caller's own token survived every change
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).status).toBe(200);
  });

  it('concurrent profile patches both land (the merge is one SQL statement)', async () => {
    const user = await suite.signedInUser();
    const keys = ['givenName', 'familyName', 'nickname', 'website', 'locale', 'gender'];
    const answers = await Promise.all(keys.map((key) => suite.account('PATCH', '/api/my-account/profile', user.accessToken, { [key]: key })));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    const [row] = await suite.t.db.query<{ profile: Record<string, string> }>('SELECT profile FROM users WHERE id = $1', [user.id]);
    expect(row!.profile).toEqual(Object.fromEntries(keys.map((k) => [k, k])));
  });

  it('concurrent removals of different identities both land', async () => {
    const user = await suite.signedInUser();
    const targets = ['github', 'google', 'facebook', 'apple'];
    await suite.t.db.query('UPDATE users SET identities = $2::jsonb WHERE id = $1', [
      user.id,
      JSON.stringify(Object.fromEntries([...targets, 'kept'].map((t) => [t, { userId: t }]))),
    ]);
    const header = proof(await passwordRecord(suite, user.id));
    const answers = await Promise.all(targets.map((t) => suite.account('DELETE', `/api/my-account/identities/${t}`, user.accessToken, undefined, header)));
    expect(statuses(answers)).toEqual(['204', '204', '204', '204']);
    const [row] = await suite.t.db.query<{ identities: unknown }>('SELECT identities FROM users WHERE id = $1', [user.id]);
    expect(row!.identities).toEqual({ kept: { userId: 'kept' } });
  });

  it('removing the email and the phone at once while sign-up needs one of them: never both', async () => {
    await suite.settings({ signUp: { identifiers: ['email', 'phone'], password: true, verify: true } });
    try {
      for (let round = 0; round < 3; round += 1) {
        const user = await suite.signedInUser();
        const header = proof(await passwordRecord(suite, user.id));
        const answers = await Promise.all(
          ['primary-email', 'primary-phone'].map((path) => suite.account('DELETE', `/api/my-account/${path}`, user.accessToken, undefined, header)),
        );
        expect(statuses(answers)).toEqual(['204', '400 user.email_or_phone_required']);
        const [row] = await suite.t.db.query<{ e: string | null; p: string | null }>('SELECT primary_email AS e, primary_phone AS p FROM users WHERE id = $1', [
          user.id,
        ]);
        expect(row!.e !== null || row!.p !== null).toBe(true);
      }
    } finally {
      await suite.settings(BASE_SETTINGS);
    }
  });
});
