// Federated identities in storage (migration 017): users.identities stays the one place a social
// identity is written, its index table follows every write (insert, update, removal, user deletion),
// a provider account belongs to one user at most (also under concurrent links, on PostgreSQL), and
// enterprise identities are unique by issuer + subject.
import { describe, expect, it } from 'vitest';
import { userWriteError } from '../../src/domain/users/errors.ts';
import { LogtoError } from '../../src/domain/errors.ts';
import * as identities from '../../src/storage/repos/identities.ts';
import { deleteUser, insertUser, updateUser } from '../../src/storage/repos/users.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';

const t = useTestDb({ poolSize: 6 });
const now = new Date('2026-03-01T12:00:00Z');
let n = 0;
const newUser = async (fields: Parameters<typeof insertUser>[2] = {}) => {
  n += 1;
  return insertUser(t.db, `fed${String(n).padStart(9, '0')}`, fields, now);
};
const indexRows = async () =>
  t.db.query<{ user_id: string; target: string; identity_id: string }>('SELECT user_id, target, identity_id FROM user_social_identities ORDER BY user_id, target');
const codeOf = (error: unknown) => (error instanceof LogtoError ? error.code : String(error));

describe('social identities', () => {
  it('are indexed from users.identities on insert, set, replace and removal, and gone with the user', async () => {
    const a = await newUser({ identities: { github: { userId: 'gh-1', details: { login: 'a' } } } });
    expect(await indexRows()).toContainEqual({ user_id: a.id, target: 'github', identity_id: 'gh-1' });
    expect((await identities.findUserBySocialIdentity(t.db, 'github', 'gh-1'))?.id).toBe(a.id);

    await identities.setSocialIdentity(t.db, a.id, 'google', { userId: 'g-1' }, now);
    await identities.setSocialIdentity(t.db, a.id, 'github', { userId: 'gh-2' }, now);
    expect((await indexRows()).filter((r) => r.user_id === a.id)).toEqual([
      { user_id: a.id, target: 'github', identity_id: 'gh-2' },
      { user_id: a.id, target: 'google', identity_id: 'g-1' },
    ]);
    expect(await identities.findUserBySocialIdentity(t.db, 'github', 'gh-1')).toBeNull();

    expect(await identities.removeSocialIdentity(t.db, a.id, 'google', now)).not.toBeNull();
    expect(await identities.removeSocialIdentity(t.db, a.id, 'google', now)).toBeNull();
    expect(await identities.findUserBySocialIdentity(t.db, 'google', 'g-1')).toBeNull();

    // a whole-column write (Management PATCH-like) is followed too
    await updateUser(t.db, a.id, { identities: { apple: { userId: 'ap-1' } } }, now);
    expect((await indexRows()).filter((r) => r.user_id === a.id)).toEqual([{ user_id: a.id, target: 'apple', identity_id: 'ap-1' }]);

    await deleteUser(t.db, a.id);
    expect((await indexRows()).filter((r) => r.user_id === a.id)).toEqual([]);
  });

  it('a merge (submit staging a link) keeps the identities stored meanwhile, and is indexed too', async () => {
    const a = await newUser({ identities: { github: { userId: 'merge-gh' } } });
    // E4 computed its write from a row without the apple link made since: the merge keeps it
    await identities.setSocialIdentity(t.db, a.id, 'apple', { userId: 'merge-ap' }, now);
    const updated = await updateUser(t.db, a.id, { identities_merge: { google: { userId: 'merge-g' } }, name: 'A' }, now);
    expect(Object.keys(updated!.identities).sort()).toEqual(['apple', 'github', 'google']);
    expect((await identities.findUserBySocialIdentity(t.db, 'google', 'merge-g'))?.id).toBe(a.id);
  });

  it('one provider account belongs to one user: a second link or a new user with it is user.identity_already_in_use', async () => {
    const a = await newUser();
    const b = await newUser();
    await identities.setSocialIdentity(t.db, a.id, 'github', { userId: 'taken-1' }, now);
    const second = await identities.setSocialIdentity(t.db, b.id, 'github', { userId: 'taken-1' }, now).catch((e: unknown) => e);
    expect(identities.identityViolationOf(second)).toBe('social');
    expect(codeOf(userWriteError(second))).toBe('user.identity_already_in_use');
    const created = await newUser({ identities: { github: { userId: 'taken-1' } } }).catch((e: unknown) => e);
    expect(codeOf(userWriteError(created))).toBe('user.identity_already_in_use');
    // the same provider id under another target is another account
    await identities.setSocialIdentity(t.db, b.id, 'google', { userId: 'taken-1' }, now);
    expect((await identities.findUserBySocialIdentity(t.db, 'google', 'taken-1'))?.id).toBe(b.id);
  });

  it.skipIf(!onPostgres)('concurrent links of one provider account to different users: exactly one wins', async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map(() => newUser()));
    const results = await Promise.allSettled(users.map((u) => identities.setSocialIdentity(t.db, u.id, 'github', { userId: 'raced-1' }, now)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(identities.identityViolationOf(r.reason)).toBe('social');
    expect((await indexRows()).filter((r) => r.identity_id === 'raced-1')).toHaveLength(1);
  });
});

describe('enterprise SSO identities', () => {
  it('are unique by issuer and subject, listed per user and gone with the user or the connector', async () => {
    await t.db.query(
      `INSERT INTO sso_connectors (id, provider_name, connector_name, config, created_at) VALUES ('ssoconn00001', 'OIDC', 'fed-test', '', $1)`,
      [now],
    );
    const a = await newUser();
    const b = await newUser();
    const row = { id: 'ssoid0000001', user_id: a.id, sso_connector_id: 'ssoconn00001', issuer: 'https://idp.example', identity_id: 'sub-1', detail: { email: 'a@example.com' }, created_at: now };
    await identities.insertSsoIdentity(t.db, row);
    const again = await identities.insertSsoIdentity(t.db, { ...row, id: 'ssoid0000002', user_id: b.id }).catch((e: unknown) => e);
    expect(identities.identityViolationOf(again)).toBe('sso');
    const found = await identities.findUserBySsoIdentity(t.db, 'https://idp.example', 'sub-1');
    expect(found?.user.id).toBe(a.id);
    expect(found?.identity).toMatchObject({ id: 'ssoid0000001', detail: { email: 'a@example.com' } });
    await identities.updateSsoIdentityDetail(t.db, 'ssoid0000001', { email: 'new@example.com' });
    expect((await identities.listSsoIdentities(t.db, a.id)).map((r) => r.detail)).toEqual([{ email: 'new@example.com' }]);
    await t.db.query(`DELETE FROM sso_connectors WHERE id = 'ssoconn00001'`);
    expect(await identities.listSsoIdentities(t.db, a.id)).toEqual([]);
  });
});
