// Social sign-in through the Experience API end to end: openid-client is the relying party of Verity,
// Verity's OIDC social connector is the relying party of a loopback oidc-provider IdP. Registration,
// sign-in of the linked user, linking by the explicit linkSocialIdentity retry and by E24 `social`,
// the profile sync, and what an email the provider did not verify can (not) do — each refusal next to
// the same flow succeeding.
import { describe, expect, it } from 'vitest';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';
import type { IdpAccount } from '../helpers/oidc-idp.ts';
import { socialVerified, submitted, useSocialWorld } from '../helpers/social-flow.ts';

const x = useExperienceSuite({ email: true });
const world = useSocialWorld(x);

const E3 = '/api/experience/identification';
const E24 = '/api/experience/profile';
/** Sign-up asks for nothing the provider cannot give. */
const OPEN_SIGN_UP = { signUp: { identifiers: [], password: false, verify: false } };

const userRow = async (id: string) => (await x.t.db.query<any>('SELECT * FROM users WHERE id = $1', [id]))[0];
const auditRows = (uid: string) =>
  x.t.db.query<{ key: string; result: string; method: string; user_id: string; identifier: any }>(
    'SELECT key, result, method, user_id, identifier FROM audit_logs WHERE interaction_id = $1 ORDER BY seq',
    [uid],
  );

/** A registration by social sign-in: the new user's id. */
async function registerSocially(account: IdpAccount) {
  const s = await x.session('Register');
  const verificationId = await socialVerified(s, world, account);
  expect(await s.call('POST', E3, { verificationId })).toEqual({ status: 201, body: null });
  return (await submitted(s)).sub;
}

describe('social registration and sign-in', () => {
  it('registers a user with the identity and the verified email, then signs the linked user in (amr fed)', async () => {
    await x.settings(OPEN_SIGN_UP);
    const email = `reg.${x.unique()}@idp.test`;
    const account = world.account({ email, email_verified: true, name: 'Reggie', picture: 'https://idp.test/reggie.png' });
    const s = await x.session('Register');
    const verificationId = await socialVerified(s, world, account);
    expect(await s.call('POST', E3, { verificationId })).toEqual({ status: 201, body: null });
    const { sub, amr } = await submitted(s);
    expect(amr).toEqual(['fed']);
    const row = await userRow(sub);
    expect(row).toMatchObject({ primary_email: email, name: 'Reggie', avatar: 'https://idp.test/reggie.png' });
    expect(row.identities[world.target]).toMatchObject({ userId: account.sub, details: { id: account.sub, email, name: 'Reggie' } });

    const again = await x.session('SignIn');
    const signIn = await socialVerified(again, world, account);
    expect(await again.call('POST', E3, { verificationId: signIn })).toEqual({ status: 204, body: null });
    expect(await submitted(again)).toEqual({ sub, amr: ['fed'] });
    const rows = await auditRows(again.uid);
    expect(rows.map((r) => [r.key, r.result])).toEqual([
      ['Interaction.Create', 'Success'],
      ['Interaction.SignIn.Verification.Social.Create', 'Success'],
      ['Interaction.SignIn.Verification.Social.Submit', 'Success'],
      ['Interaction.SignIn.Identifier.Submit', 'Success'],
      ['Interaction.SignIn.Submit', 'Success'],
    ]);
    expect(rows[3]).toMatchObject({ method: 'Social', user_id: sub, identifier: { type: 'social', value: world.target } });
  });

  it('a sign-in that finds no user switches to Register (E2) and registers with the same record', async () => {
    await x.settings(OPEN_SIGN_UP);
    const account = world.account({ email: `switch.${x.unique()}@idp.test`, email_verified: true });
    const s = await x.session('SignIn');
    const verificationId = await socialVerified(s, world, account);
    expect(await s.call('POST', E3, { verificationId })).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
    expect((await s.call('POST', E3, { verificationId })).status).toBe(201);
    const { sub } = await submitted(s);
    expect((await userRow(sub)).identities[world.target]).toMatchObject({ userId: account.sub });
  });

  it('asks for the mandatory profile first: 422 user.missing_profile, then 201 with the username staged', async () => {
    await x.settings({ signUp: { identifiers: ['username'], password: true, verify: false } });
    const s = await x.session('Register');
    const verificationId = await socialVerified(s, world, world.account({ email: `mp.${x.unique()}@idp.test`, email_verified: true }));
    expect(await s.call('POST', E3, { verificationId })).toMatchObject({ status: 422, body: { code: 'user.missing_profile', data: { missingProfile: ['username', 'password'] } } });
    const username = `social_${x.unique()}`;
    expect((await s.call('POST', E24, { type: 'username', value: username })).status).toBe(204);
    expect((await s.call('POST', E24, { type: 'password', value: PASSWORD })).status).toBe(204);
    expect((await s.call('POST', E3, { verificationId })).status).toBe(201);
    const { sub } = await submitted(s);
    expect((await userRow(sub)).username).toBe(username);
  });

  it('a registration takes the provider email only when no other user has it', async () => {
    await x.settings(OPEN_SIGN_UP);
    const email = `taken.${x.unique()}@idp.test`;
    await x.newUser({ primaryEmail: email });
    const sub = await registerSocially(world.account({ email, email_verified: true, name: 'Second' }));
    expect(await userRow(sub)).toMatchObject({ primary_email: null, name: 'Second' });
  });

  it('syncs name and avatar of an existing user only when the connector syncProfile is on', async () => {
    await x.settings(OPEN_SIGN_UP);
    const synced = await world.addConnector({ syncProfile: true });
    for (const [connectorId, expected] of [
      [world.connectorId, 'Before'],
      [synced.id, 'After'],
    ] as const) {
      const account = world.account({ name: 'Before' });
      const s = await x.session('Register');
      expect((await s.call('POST', E3, { verificationId: await socialVerified(s, world, account, connectorId) })).status).toBe(201);
      const { sub } = await submitted(s);
      // The provider's name changes; the next sign-in brings it (or not).
      Object.assign(account, { name: 'After' });
      const again = await x.session('SignIn');
      expect((await again.call('POST', E3, { verificationId: await socialVerified(again, world, account, connectorId) })).status).toBe(204);
      expect((await submitted(again)).sub).toBe(sub);
      expect((await userRow(sub)).name).toBe(expected);
    }
  });
});

describe('linking a social identity to an existing user', () => {
  it('E3: 404 user.identity_not_exist naming the user with the verified email, then linkSocialIdentity links it', async () => {
    const email = `link.${x.unique()}@example.com`;
    const user = await x.newUser({ primaryEmail: email });
    const account = world.account({ email, email_verified: true });
    const s = await x.session('SignIn');
    const verificationId = await socialVerified(s, world, account);
    expect(await s.call('POST', E3, { verificationId })).toEqual({
      status: 404,
      body: expect.objectContaining({ code: 'user.identity_not_exist', data: { relatedUser: { type: 'email', value: email } } }),
    });
    expect((await userRow(user.id)).identities).toEqual({});
    expect(await s.call('POST', E3, { verificationId, linkSocialIdentity: true })).toEqual({ status: 204, body: null });
    expect((await submitted(s)).sub).toBe(user.id);
    expect((await userRow(user.id)).identities[world.target]).toMatchObject({ userId: account.sub });
    const link = (await auditRows(s.uid)).find((r) => r.key === 'Interaction.SignIn.Profile.Update');
    expect(link).toMatchObject({ result: 'Success', method: 'Social', user_id: user.id, identifier: { type: 'social', value: world.target } });

    // From now on the identity signs the user in without any retry.
    const again = await x.session('SignIn');
    expect((await again.call('POST', E3, { verificationId: await socialVerified(again, world, account) })).status).toBe(204);
    expect((await submitted(again)).sub).toBe(user.id);
  });

  it('an email the provider did not verify names no user, links to none, and is not given to a new user', async () => {
    await x.settings(OPEN_SIGN_UP);
    const email = `unverified.${x.unique()}@example.com`;
    const user = await x.newUser({ primaryEmail: email });
    const account = world.account({ email, email_verified: false });
    const s = await x.session('SignIn');
    const verificationId = await socialVerified(s, world, account);
    const refused = await s.call('POST', E3, { verificationId });
    expect(refused).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect(refused.body).not.toHaveProperty('data');
    expect(await s.call('POST', E3, { verificationId, linkSocialIdentity: true })).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect((await userRow(user.id)).identities).toEqual({});
    // Registering with it: a new user, without that email (which stays the other user's).
    const sub = await registerSocially(account);
    expect(sub).not.toBe(user.id);
    expect((await userRow(sub)).primary_email).toBeNull();
  });

  it('E24 social links the identity to the identified user at submit', async () => {
    const user = await x.newUser();
    const account = world.account({ email: `e24.${x.unique()}@idp.test`, email_verified: true, name: 'Not Synced' });
    const s = await x.identified(user.username);
    const verificationId = await socialVerified(s, world, account);
    expect(await s.call('POST', E24, { type: 'social', verificationId })).toEqual({ status: 204, body: null });
    expect((await userRow(user.id)).identities).toEqual({}); // staged only
    expect((await auditRows(s.uid)).filter((r) => r.key === 'Interaction.SignIn.Profile.Update')).toMatchObject([
      { result: 'Success', method: 'Social', user_id: user.id, identifier: { type: 'social', value: world.target } },
    ]);
    expect((await submitted(s)).sub).toBe(user.id);
    const row = await userRow(user.id);
    expect(row.identities[world.target]).toMatchObject({ userId: account.sub });
    expect(row.primary_email).toBeNull(); // an existing user gets no email from the provider
    expect(row.name).toBeNull(); // syncProfile off
  });

  it('E24 social before a registration stages identity, email and name, never over what is staged', async () => {
    await x.settings(OPEN_SIGN_UP);
    const staged = `staged.${x.unique()}@example.com`;
    const s = await x.session('Register');
    const code = await x.verifiedCode(s, { type: 'email', value: staged }, 'Register');
    expect((await s.call('POST', E24, { type: 'email', verificationId: code })).status).toBe(204);
    const account = world.account({ email: `provider.${x.unique()}@idp.test`, email_verified: true, name: 'Provider Name' });
    expect((await s.call('POST', E24, { type: 'social', verificationId: await socialVerified(s, world, account) })).status).toBe(204);
    expect(await s.call('POST', E3, {})).toEqual({ status: 201, body: null });
    const { sub } = await submitted(s);
    const row = await userRow(sub);
    expect(row).toMatchObject({ primary_email: staged, name: 'Provider Name' });
    expect(row.identities[world.target]).toMatchObject({ userId: account.sub });
  });

  it('E24 social: 422 user.identity_already_in_use when another user has the identity; the owner itself may', async () => {
    await x.settings(OPEN_SIGN_UP);
    const account = world.account({ email: `owned.${x.unique()}@idp.test`, email_verified: true });
    const owner = await registerSocially(account);
    const other = await x.newUser();
    const s = await x.identified(other.username);
    const verificationId = await socialVerified(s, world, account);
    expect(await s.call('POST', E24, { type: 'social', verificationId })).toMatchObject({ status: 422, body: { code: 'user.identity_already_in_use' } });
    expect((await submitted(s)).sub).toBe(other.id);
    expect((await userRow(other.id)).identities).toEqual({});
    expect((await userRow(owner)).identities[world.target]).toMatchObject({ userId: account.sub });
  });
});

describe('one provider account, one user', () => {
  it('two users linking the same provider account concurrently: one submit links it, the other answers 422', async () => {
    const account = world.account({ email: `race.${x.unique()}@idp.test`, email_verified: true });
    const users = [await x.newUser(), await x.newUser()];
    const sessions = [];
    for (const user of users) {
      const s = await x.identified(user.username);
      expect((await s.call('POST', E24, { type: 'social', verificationId: await socialVerified(s, world, account) })).status).toBe(204);
      sessions.push(s);
    }
    const answers = await Promise.all(sessions.map((s) => s.call('POST', '/api/experience/submit')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
    expect(answers.find((a) => a.status === 422)!.body.code).toBe('user.identity_already_in_use');
    const linked = await x.t.db.query<{ id: string }>(`SELECT id FROM users WHERE identities ? $1`, [world.target]);
    const winners = linked.filter((r) => users.some((u) => u.id === r.id));
    expect(winners).toHaveLength(1);
  });

  it('a password user keeps signing in by password after linking', async () => {
    const user = await x.newUser();
    const s = await x.identified(user.username);
    expect((await s.call('POST', E24, { type: 'social', verificationId: await socialVerified(s, world, world.account()) })).status).toBe(204);
    expect((await submitted(s)).sub).toBe(user.id);
    const again = await x.session('SignIn');
    const verified = await again.call('POST', '/api/experience/verification/password', { identifier: { type: 'username', value: user.username }, password: PASSWORD });
    expect((await again.call('POST', E3, { verificationId: verified.body.verificationId })).status).toBe(204);
    expect(await submitted(again)).toEqual({ sub: user.id, amr: ['pwd'] });
  });
});
