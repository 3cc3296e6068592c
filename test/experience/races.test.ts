// Concurrency of the Experience API on PostgreSQL (PGlite runs one statement at a time, so these are
// skipped there): the unique indexes decide parallel registrations; the interaction state's
// compare-and-set (store.ts, updateExperience, removeExperience) and row lock (changeExperience)
// serialise parallel changes of one interaction, each seeing the previous one's result; parallel
// password resets of one user each apply whole.
import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/storage/db.ts';
import { onPostgres } from '../helpers/db.ts';
import type { ExperienceSession } from '../helpers/experience.ts';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';

const x = useExperienceSuite({ email: true });

const E3 = '/api/experience/identification';
const E6 = '/api/experience/verification/password';
const E21 = '/api/experience/verification/new-password-identity';
const E4 = '/api/experience/submit';
const N = 6;
const codes = (answers: { status: number; body: any }[]) => answers.map((a) => (a.body ? `${a.status} ${a.body.code}` : String(a.status))).sort();
const countUsers = async (where: string, value: string) =>
  Number((await x.t.db.query<{ n: string }>(`SELECT count(*) AS n FROM users WHERE ${where}`, [value]))[0]!.n);
/** Resolves once another backend waits for a lock the transaction of `q` holds (at most 10 s). */
async function waitForLockWait(q: Queryable): Promise<void> {
  for (let i = 0; i < 1000; i += 1) {
    const [row] = await q.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))');
    if (Number(row!.n) > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('nothing waited for the row lock');
}
const sessions = (event: 'SignIn' | 'Register' | 'ForgotPassword') => Promise.all(Array.from({ length: N }, () => x.session(event)));

describe.skipIf(!onPostgres)('races (PostgreSQL)', () => {
  it('parallel registrations of one email in separate interactions: exactly one user, the rest 422 email_already_in_use', async () => {
    await x.settings({ signUp: { identifiers: ['email'], password: false, verify: true } });
    const value = `race.${x.unique()}@example.com`;
    const all = await sessions('Register');
    // the same address, spelt in other cases: the unique index is on lower(primary_email)
    const ids: string[] = [];
    // one at a time: each code is read from the latest message to the address
    for (const [i, s] of all.entries()) ids.push(await x.verifiedCode(s, { type: 'email', value: i % 2 ? value.toUpperCase() : value }, 'Register'));
    const answers = await Promise.all(all.map((s, i) => s.call('POST', E3, { verificationId: ids[i] })));
    expect(codes(answers)).toEqual(['201', ...Array(N - 1).fill('422 user.email_already_in_use')]);
    expect(await countUsers('lower(primary_email) = lower($1)', value)).toBe(1);
    // the losers are not identified
    const losers = all.filter((_, i) => answers[i]!.status !== 201);
    for (const s of losers) expect((await s.call('POST', '/api/experience/submit')).body.code).toBe('session.identifier_not_found');
  });

  it('parallel registrations of one username (NewPasswordIdentity) in separate interactions: exactly one user', async () => {
    const username = `race_${x.unique()}`;
    const all = await sessions('Register');
    const ids = await Promise.all(all.map(async (s) => (await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: PASSWORD })).body.verificationId));
    const answers = await Promise.all(all.map((s, i) => s.call('POST', E3, { verificationId: ids[i] })));
    expect(codes(answers)).toEqual(['201', ...Array(N - 1).fill('422 user.username_already_in_use')]);
    expect(await countUsers('username = $1', username)).toBe(1);
  });

  it('parallel verifications of two kinds on one interaction: no change is lost, one record per kind stays', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const identifier = { type: 'username', value: user.username };
    const requests = Array.from({ length: N }, (_, i) =>
      i % 2
        ? s.call('POST', E6, { identifier, password: PASSWORD })
        : s.call('POST', E21, { identifier: { type: 'username', value: `np_${x.unique()}` }, password: PASSWORD }),
    );
    const answers = await Promise.all(requests);
    expect(answers.map((a) => a.status)).toEqual(Array(N).fill(200));
    const [row] = await x.t.db.query<{ state: { verificationRecords: { id: string; type: string }[] } }>(
      'SELECT state FROM experience_interactions WHERE uid = $1',
      [s.uid],
    );
    const stored = row!.state.verificationRecords;
    expect(stored.map((r) => r.type).sort()).toEqual(['NewPasswordIdentity', 'Password']);
    const answered = answers.map((a) => a.body.verificationId);
    for (const r of stored) expect(answered).toContain(r.id);
    // a replaced id answers 404; the stored Password record identifies
    const password = stored.find((r) => r.type === 'Password')!.id;
    const replaced = answered.filter((id, i) => i % 2 && id !== password);
    for (const id of replaced) expect((await s.call('POST', E3, { verificationId: id })).status).toBe(404);
    expect((await s.call('POST', E3, { verificationId: password })).status).toBe(204);
  });

  it('parallel SignIn identifications of one interaction with one record: all 204, one user', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: N }, () => s.call('POST', E3, { verificationId: body.verificationId })));
    expect(answers).toEqual(Array(N).fill({ status: 204, body: null }));
    const submitted = await s.call('POST', '/api/experience/submit');
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(user.id);
  });

  it('parallel SignIn identifications as two different users: the first to lock wins, the other is 409', async () => {
    const a = await x.newUser();
    const mail = { type: 'email', value: `b.${x.unique()}@example.com` };
    const b = await x.newUser({ primaryEmail: mail.value });
    const s = await x.session('SignIn');
    const password = (await s.call('POST', E6, { identifier: { type: 'username', value: a.username }, password: PASSWORD })).body.verificationId;
    const code = await x.verifiedCode(s, mail);
    const answers = await Promise.all([s.call('POST', E3, { verificationId: password }), s.call('POST', E3, { verificationId: code })]);
    expect(codes(answers)).toEqual(['204', '409 session.identity_conflict']);
    const winner = answers[0]!.status === 204 ? a : b;
    const submitted = await s.call('POST', '/api/experience/submit');
    expect((await s.finish(submitted.body.redirectTo)).claims()?.sub).toBe(winner.id);
  });

  it('parallel Register identifications of one interaction with one record: one 201, the rest find the record consumed (404)', async () => {
    const username = `once_${x.unique()}`;
    const s = await x.session('Register');
    const { body } = await s.call('POST', E21, { identifier: { type: 'username', value: username }, password: PASSWORD });
    const answers = await Promise.all(Array.from({ length: N }, () => s.call('POST', E3, { verificationId: body.verificationId })));
    expect(codes(answers)).toEqual(['201', ...Array(N - 1).fill('404 session.verification_session_not_found')]);
    expect(await countUsers('username = $1', username)).toBe(1);
    // a later call answers the same as the losers did
    expect((await s.call('POST', E3, { verificationId: body.verificationId })).body.code).toBe('session.verification_session_not_found');
  });

  it('parallel Register identifications of one interaction from the staged profile: one 201, the rest 409', async () => {
    const username = `staged_${x.unique()}`;
    const s = await x.session('Register');
    await s.call('POST', '/api/experience/profile', { type: 'username', value: username });
    await s.call('POST', '/api/experience/profile', { type: 'password', value: PASSWORD });
    const answers = await Promise.all(Array.from({ length: N }, () => s.call('POST', E3, {})));
    expect(codes(answers)).toEqual(['201', ...Array(N - 1).fill('409 session.identity_conflict')]);
    expect(await countUsers('username = $1', username)).toBe(1);
  });

  it('parallel password resets of one user in separate interactions: all succeed, the final password is one of them', async () => {
    const mail = { type: 'email', value: `reset.${x.unique()}@example.com` };
    const user = await x.newUser({ primaryEmail: mail.value });
    const all = await sessions('ForgotPassword');
    const passwords = all.map((_, i) => `Reset-${i}-Sturdy-Pass`);
    for (const s of all) {
      // one at a time: each code is read from the latest message to the address
      expect((await s.call('POST', E3, { verificationId: await x.verifiedCode(s, mail, 'ForgotPassword') })).status).toBe(204);
    }
    const staged = await Promise.all(all.map((s, i) => s.call('PUT', '/api/experience/profile/password', { password: passwords[i] })));
    expect(staged.map((a) => a.status)).toEqual(Array(N).fill(204));
    const submitted = await Promise.all(all.map((s: ExperienceSession) => s.call('POST', '/api/experience/submit')));
    expect(submitted).toEqual(Array(N).fill({ status: 200, body: null }));
    const works = await Promise.all(
      [PASSWORD, ...passwords].map(async (password) => {
        const response = await fetch(`${x.t.url}/api/users/${user.id}/password/verify`, {
          method: 'POST',
          headers: { authorization: `Bearer ${x.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ password }),
        });
        expect(response.status).toBeLessThan(500);
        return response.status === 204;
      }),
    );
    expect(works.filter(Boolean)).toHaveLength(1);
    expect(works[0]).toBe(false);
  });
  it('parallel submits of one interaction: one redirect, the rest 404 interaction_not_found', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    expect((await s.call('POST', E3, { verificationId: body.verificationId })).status).toBe(204);
    const answers = await Promise.all(Array.from({ length: N }, () => s.call('POST', E4)));
    expect(codes(answers.map((a) => (a.status === 200 ? { status: 200, body: null } : a)))).toEqual([
      '200',
      ...Array(N - 1).fill('404 session.interaction_not_found'),
    ]);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await s.finish(winner.body.redirectTo)).claims()?.sub).toBe(user.id);
  });

  // Submit reads the state, then removes it in one compare-and-set statement that also updates the
  // user. A change of the state committed between the two (held here under the row lock, so submit's
  // statement waits for it) must not be lost: submit sees it and writes it to the user.
  it('a state change committed between the read and the write of a submit is written to the user', async () => {
    const user = await x.newUser();
    const s = await x.session('SignIn');
    const { body } = await s.call('POST', E6, { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    expect((await s.call('POST', E3, { verificationId: body.verificationId })).status).toBe(204);
    const name = `Racer ${x.unique()}`;
    let submitted: Promise<{ status: number; body: any }> | undefined;
    await x.t.db.tx(async (q) => {
      await q.query('SELECT uid FROM experience_interactions WHERE uid = $1 FOR UPDATE', [s.uid]);
      await q.query(`UPDATE experience_interactions SET state = jsonb_set(state, '{profile,name}', to_jsonb($2::text)) WHERE uid = $1`, [s.uid, name]);
      submitted = s.call('POST', E4);
      // commit only once submit waits for the row: it has read the state as it was before
      await waitForLockWait(q);
    });
    const answer = await submitted!;
    expect(answer.status).toBe(200);
    expect((await s.finish(answer.body.redirectTo)).claims()?.sub).toBe(user.id);
    expect((await x.admin('GET', `/api/users/${user.id}`)).name).toBe(name);
  });
});
