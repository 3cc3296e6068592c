// Account API M1–M3 (my-account-api.md): the signed-in user's view of its own account (scope ↔ data
// map, Account Center read gates) and its basic edits (name, avatar, username, profile merge), in the
// spec's order of checks; over HTTP with real tokens against a real database.
import { describe, expect, it } from 'vitest';
import { ALL_EDITABLE, useAccountSuite } from '../helpers/account.ts';
import { BASE_SETTINGS } from '../helpers/experience-suite.ts';

const suite = useAccountSuite();

const get = (token: string, headers?: Record<string, string>) => suite.account('GET', '/api/my-account', token, undefined, headers);
const codeOf = (answer: { status: number; body: any }) => [answer.status, answer.body?.code];

describe('M1 GET /api/my-account', () => {
  it('answers every key with every scope: epoch-ms times, identities as {userId, details}, never the password', async () => {
    const user = await suite.signedInUser();
    await suite.t.db.query(
      `UPDATE users SET identities = '{"github": {"userId": "gh-1", "details": {"login": "octo"}}}', custom_data = '{"plan": "pro"}',
              profile = '{"givenName": "Ada", "address": {"country": "SE"}}' WHERE id = $1`,
      [user.id],
    );
    const answer = await get(user.accessToken);
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(
      [
        'id', 'name', 'avatar', 'username', 'profile', 'hasPassword', 'lastSignInAt', 'createdAt', 'updatedAt', 'applicationId', 'isSuspended',
        'primaryEmail', 'primaryPhone', 'customData', 'identities',
      ].sort(),
    );
    expect(answer.body).toMatchObject({
      id: user.id,
      username: user.username,
      primaryEmail: user.primaryEmail,
      primaryPhone: user.primaryPhone,
      hasPassword: true,
      isSuspended: false,
      customData: { plan: 'pro' },
      identities: { github: { userId: 'gh-1', details: { login: 'octo' } } },
      profile: { givenName: 'Ada', address: { country: 'SE' } },
    });
    for (const key of ['createdAt', 'updatedAt', 'lastSignInAt']) expect(typeof answer.body[key]).toBe('number');
    expect(JSON.stringify(answer.body)).not.toMatch(/argon2|password_hash|passwordEncrypted/);
  });

  it('shows only what each scope grants: {id} for openid alone, address only with scope address', async () => {
    const user = await suite.signedInUser();
    await suite.t.db.query(`UPDATE users SET profile = '{"nickname": "n", "address": {"country": "SE"}}' WHERE id = $1`, [user.id]);
    const only = await suite.signIn(user.username, 'openid');
    expect((await get(only.accessToken)).body).toEqual({ id: user.id });

    const profile = await get((await suite.signIn(user.username, 'openid profile')).accessToken);
    expect(Object.keys(profile.body).sort()).toEqual(
      ['id', 'name', 'avatar', 'username', 'profile', 'hasPassword', 'lastSignInAt', 'createdAt', 'updatedAt', 'applicationId', 'isSuspended'].sort(),
    );
    expect(profile.body.profile).toEqual({ nickname: 'n' });
    const address = await get((await suite.signIn(user.username, 'openid profile address')).accessToken);
    expect(address.body.profile).toEqual({ nickname: 'n', address: { country: 'SE' } });

    const contact = await get((await suite.signIn(user.username, 'openid email phone')).accessToken);
    expect(contact.body).toEqual({ id: user.id, primaryEmail: user.primaryEmail, primaryPhone: user.primaryPhone });
    const rest = await get((await suite.signIn(user.username, 'openid custom_data identities')).accessToken);
    expect(rest.body).toEqual({ id: user.id, customData: {}, identities: {} });
  });

  it('hides a key whose Account Center field is Off (or missing) and shows it ReadOnly', async () => {
    const user = await suite.signedInUser();
    await suite.accountCenter({ fields: { ...ALL_EDITABLE, name: 'ReadOnly', email: 'Off', social: 'Off', password: 'Off', customData: 'ReadOnly', phone: undefined as never } });
    const answer = await get(user.accessToken);
    expect(answer.body).toHaveProperty('name');
    expect(answer.body).toHaveProperty('customData');
    for (const key of ['primaryEmail', 'primaryPhone', 'identities', 'hasPassword']) expect(answer.body).not.toHaveProperty(key);
    // fields without a gate stay
    expect(answer.body).toHaveProperty('createdAt');
  });

  it('ignores an invalid logto-verification-id header', async () => {
    const user = await suite.signedInUser('openid');
    expect((await get(user.accessToken, { 'logto-verification-id': 'nope' })).body).toEqual({ id: user.id });
  });
});

describe('M2 PATCH /api/my-account', () => {
  const patch = (token: string, body: unknown) => suite.account('PATCH', '/api/my-account', token, body);

  it('writes name, avatar and username and answers the view after it', async () => {
    const user = await suite.signedInUser();
    const username = `n_${suite.unique()}`;
    const answer = await patch(user.accessToken, { name: 'Ada L', avatar: 'https://cdn.example.org/a.png', username });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ id: user.id, name: 'Ada L', avatar: 'https://cdn.example.org/a.png', username, primaryEmail: user.primaryEmail });
    expect((await get(user.accessToken)).body).toMatchObject({ name: 'Ada L', username });
    const cleared = await patch(user.accessToken, { name: null, avatar: null });
    expect(cleared.body).toMatchObject({ name: null, avatar: null, username });
  });

  it('answers {} with the unchanged view', async () => {
    const user = await suite.signedInUser();
    const before = await get(user.accessToken);
    const answer = await patch(user.accessToken, {});
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(before.body);
  });

  it('checks each field sent (null counts) for Edit before the scope', async () => {
    const user = await suite.signedInUser('openid email');
    await suite.accountCenter({ fields: { ...ALL_EDITABLE, avatar: 'ReadOnly', username: 'Off' } });
    expect(codeOf(await patch(user.accessToken, { avatar: null }))).toEqual([400, 'account_center.filed_not_editable']);
    expect(codeOf(await patch(user.accessToken, { username: 'x' }))).toEqual([400, 'account_center.filed_not_editable']);
    // an editable field passes to the scope check
    expect(codeOf(await patch(user.accessToken, { name: 'x' }))).toEqual([400, 'auth.unauthorized']);
    expect(codeOf(await patch(user.accessToken, {}))).toEqual([400, 'auth.unauthorized']);
  });

  it('refuses username null while sign-up needs a username, and allows it otherwise', async () => {
    const user = await suite.signedInUser();
    expect(codeOf(await patch(user.accessToken, { username: null }))).toEqual([400, 'user.username_required']);
    await suite.settings({ signUp: { identifiers: ['email'], password: true, verify: true } });
    const answer = await patch(user.accessToken, { username: null });
    expect([answer.status, answer.body.username]).toEqual([200, null]);
    await suite.settings(BASE_SETTINGS);
  });

  it('answers 422 user.username_already_in_use for another user’s username, and accepts the own one', async () => {
    const user = await suite.signedInUser();
    const other = await suite.newUser();
    expect(codeOf(await patch(user.accessToken, { username: other.username }))).toEqual([422, 'user.username_already_in_use']);
    expect((await patch(user.accessToken, { username: user.username })).status).toBe(200);
  });

  it('answers 400 guard.invalid_input for a relative avatar, a bad username, a wrong type or an over-long value', async () => {
    const user = await suite.signedInUser();
    const long = (n: number) => 'a'.repeat(n);
    for (const body of [{ avatar: 'a.png' }, { username: '1abc' }, { username: 'a-b' }, { name: 5 }, { username: long(129) }, { name: long(129) }, { avatar: `https://x.org/${long(2040)}` }]) {
      expect(codeOf(await patch(user.accessToken, body))).toEqual([400, 'guard.invalid_input']);
    }
    expect((await patch(user.accessToken, { name: long(128) })).status).toBe(200);
  });
});

describe('M3 PATCH /api/my-account/profile', () => {
  const patch = (token: string, body: unknown) => suite.account('PATCH', '/api/my-account/profile', token, body);

  it('merges the keys sent into the stored profile (address replaced whole, unknown keys dropped)', async () => {
    const user = await suite.signedInUser();
    const first = await patch(user.accessToken, { givenName: 'Ada', nickname: 'ada', address: { country: 'SE', locality: 'Lund' }, shoeSize: '42' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ givenName: 'Ada', nickname: 'ada', address: { country: 'SE', locality: 'Lund' } });
    const second = await patch(user.accessToken, { familyName: 'Lovelace', givenName: 'Augusta', address: { region: 'Skåne' } });
    expect(second.body).toEqual({ givenName: 'Augusta', nickname: 'ada', familyName: 'Lovelace', address: { region: 'Skåne' } });
    const [row] = await suite.t.db.query<{ profile: unknown }>('SELECT profile FROM users WHERE id = $1', [user.id]);
    expect(row!.profile).toEqual(second.body);
  });

  it('omits address from the answer without scope address, and refuses to write it', async () => {
    const user = await suite.signedInUser();
    await patch(user.accessToken, { address: { country: 'SE' } });
    const profileOnly = await suite.signIn(user.username, 'openid profile');
    const answer = await patch(profileOnly.accessToken, { nickname: 'n' });
    expect([answer.status, answer.body]).toEqual([200, { nickname: 'n' }]);
    expect(codeOf(await patch(profileOnly.accessToken, { address: { country: 'NO' } }))).toEqual([400, 'auth.unauthorized']);
  });

  it('checks the field, then the scope, then the address scope', async () => {
    const user = await suite.signedInUser('openid email');
    await suite.accountCenter({ fields: { ...ALL_EDITABLE, profile: 'ReadOnly' } });
    expect(codeOf(await patch(user.accessToken, { nickname: 'n' }))).toEqual([400, 'account_center.filed_not_editable']);
    await suite.accountCenter({ fields: ALL_EDITABLE });
    expect(codeOf(await patch(user.accessToken, { nickname: 'n' }))).toEqual([400, 'auth.unauthorized']);
    expect(codeOf(await patch(user.accessToken, { nickname: 5 }))).toEqual([400, 'guard.invalid_input']);
  });
});
