// Account API social records and identity links against account-verifications-api.md (A4, A5) and
// my-account-api.md (M9): whole authorizations against a loopback OIDC IdP through Verity's OIDC social
// connector, every status and code, the single use of the connector session, and the link then
// signing the user in through the Experience API. Each refusal is next to the same call succeeding.
import { describe, expect, it } from 'vitest';
import { useAccountSuite } from '../helpers/account.ts';
import { codeRecord, passwordRecord, proof } from '../helpers/account-records.ts';
import {
  accountAuthorization,
  accountAuthorized,
  accountSocialVerified,
  accountVerify,
  socialVerified,
  submitted,
  useSocialWorld,
} from '../helpers/social-flow.ts';

const suite = useAccountSuite();
const world = useSocialWorld(suite);

const M9 = '/api/my-account/identities';
const outcome = (answer: { status: number; body: any }) => [answer.status, answer.body?.code];

async function recordRow(id: string) {
  return (await suite.t.db.query<{ owner_id: string; bound: boolean; data: any }>('SELECT owner_id, bound, data FROM verification_records WHERE id = $1', [id]))[0]!;
}
const identitiesOf = async (userId: string) => (await suite.t.db.query<{ identities: any }>('SELECT identities FROM users WHERE id = $1', [userId]))[0]!.identities;
const auditRows = (userId: string, key: string) =>
  suite.t.db.query<{ result: string; error: any; identifier: any }>('SELECT result, error, identifier FROM audit_logs WHERE user_id = $1 AND key = $2 ORDER BY seq', [userId, key]);

describe('A4 POST /api/verifications/social', () => {
  it('201 {verificationRecordId, authorizationUri, expiresAt}: an unbound record holding the connector session', async () => {
    const user = await suite.signedInUser();
    const answer = await accountAuthorization(suite, user.accessToken, world.connectorId, 'client-state');
    expect(answer.status).toBe(201);
    expect(Object.keys(answer.body).sort()).toEqual(['authorizationUri', 'expiresAt', 'verificationRecordId']);
    expect(new URL(answer.body.authorizationUri).searchParams.get('state')).toBe('client-state');
    expect(new Date(answer.body.expiresAt).getTime() - suite.t.clock.now().getTime()).toBe(600_000);
    const row = await recordRow(answer.body.verificationRecordId);
    expect(row).toMatchObject({ owner_id: user.id, bound: false, data: { type: 'Social', connectorId: world.connectorId, verified: false } });
    // Sealed at rest: it holds the PKCE verifier.
    expect(typeof row.data.session).toBe('string');
    expect(row.data.session).not.toContain('client-state');
    expect(await auditRows(user.id, 'Account.Verification.Social.Create')).toMatchObject([{ result: 'Success' }]);
  });

  it('400 session.insufficient_info, 422 session.invalid_connector_id, 400 connector.unexpected_type, 400 guard.invalid_input', async () => {
    const user = await suite.signedInUser();
    const call = (body: unknown) => suite.account('POST', '/api/verifications/social', user.accessToken, body);
    const redirectUri = 'https://app.example.org/cb';
    expect(outcome(await call({ connectorId: world.connectorId, state: '', redirectUri }))).toEqual([400, 'session.insufficient_info']);
    expect(outcome(await call({ connectorId: world.connectorId, state: 's', redirectUri: '' }))).toEqual([400, 'session.insufficient_info']);
    const missing = await call({ connectorId: 'nosuchconnector', state: 's', redirectUri });
    expect(missing).toMatchObject({ status: 422, body: { code: 'session.invalid_connector_id', data: { connectorId: 'nosuchconnector' } } });
    const others: { id: string; type: string }[] = (await suite.admin('GET', '/api/connectors')).filter((c: { type: string }) => c.type !== 'Social');
    expect(others.map((c) => c.type).sort()).toEqual(['Email', 'Sms']);
    for (const { id } of others) expect(outcome(await call({ connectorId: id, state: 's', redirectUri }))).toEqual([400, 'connector.unexpected_type']);
    for (const body of [{ state: 's', redirectUri }, { connectorId: 'c', redirectUri }, { connectorId: 'c', state: 's' }]) {
      expect(outcome(await call(body))).toEqual([400, 'guard.invalid_input']);
    }
    expect((await call({ connectorId: world.connectorId, state: 's', redirectUri })).status).toBe(201);
    expect((await auditRows(user.id, 'Account.Verification.Social.Create')).map((r) => r.error?.code ?? r.result)).toEqual(
      expect.arrayContaining(['session.insufficient_info', 'session.invalid_connector_id', 'connector.unexpected_type', 'Success']),
    );
  });
});

describe('A5 POST /api/verifications/social/verify', () => {
  it("200: the record keeps the provider's user, not the session", async () => {
    const user = await suite.signedInUser();
    const account = world.account({ email: `a5.${suite.unique()}@idp.test`, email_verified: true, name: 'Ada' });
    const { verificationRecordId, params } = await accountAuthorized(suite, user.accessToken, world, account);
    expect(await accountVerify(suite, user.accessToken, verificationRecordId, params)).toMatchObject({ status: 200, body: { verificationRecordId } });
    const { data } = await recordRow(verificationRecordId);
    expect(data).toMatchObject({ verified: true, target: world.target, userInfo: { id: account.sub, email: account.email, name: 'Ada' } });
    expect(data).not.toHaveProperty('session');
  });

  it("400 verification_record.not_found for an unknown id, another user's record, a Password or code record", async () => {
    const user = await suite.signedInUser();
    const other = await suite.signedInUser();
    const { verificationRecordId, params } = await accountAuthorized(suite, other.accessToken, world, world.account());
    for (const id of [
      'nosuchrecord000000000',
      verificationRecordId,
      await passwordRecord(suite, user.id),
      await codeRecord(suite, user.id, 'email', `x.${suite.unique()}@example.com`),
    ]) {
      expect(outcome(await accountVerify(suite, user.accessToken, id, params))).toEqual([400, 'verification_record.not_found']);
    }
    expect((await accountVerify(suite, other.accessToken, verificationRecordId, params)).status).toBe(200);
  });

  it('401 connector.social_auth_code_invalid for a wrong state; the right callback then verifies; a replay is 400', async () => {
    const user = await suite.signedInUser();
    const { verificationRecordId, params } = await accountAuthorized(suite, user.accessToken, world, world.account());
    expect(outcome(await accountVerify(suite, user.accessToken, verificationRecordId, { ...params, state: 'forged' }))).toEqual([401, 'connector.social_auth_code_invalid']);
    expect((await accountVerify(suite, user.accessToken, verificationRecordId, params)).status).toBe(200);
    expect(outcome(await accountVerify(suite, user.accessToken, verificationRecordId, params))).toEqual([400, 'session.connector_validation_session_not_found']);
    expect((await auditRows(user.id, 'Account.Verification.Social.Submit')).map((r) => r.error?.code ?? r.result)).toEqual([
      'connector.social_auth_code_invalid',
      'Success',
      'session.connector_validation_session_not_found',
    ]);
  });

  it('422 session.invalid_connector_id when the connector was deleted after A4', async () => {
    const user = await suite.signedInUser();
    const doomed = await world.addConnector();
    const started = await accountAuthorization(suite, user.accessToken, doomed.id);
    expect(started.status).toBe(201);
    const { params } = await world.idp.login(started.body.authorizationUri, world.account().sub);
    await suite.admin('DELETE', `/api/connectors/${doomed.id}`);
    expect(outcome(await accountVerify(suite, user.accessToken, started.body.verificationRecordId, params))).toEqual([422, 'session.invalid_connector_id']);
  });

  it('400 guard.invalid_input for a bad body', async () => {
    const user = await suite.signedInUser();
    for (const body of [{ verificationRecordId: 'x' }, { connectorData: {} }, { connectorData: 'x', verificationRecordId: 'x' }]) {
      expect(outcome(await suite.account('POST', '/api/verifications/social/verify', user.accessToken, body))).toEqual([400, 'guard.invalid_input']);
    }
  });
});

describe('M9 POST /api/my-account/identities', () => {
  it('204 links the verified provider account; the user then signs in with it through the Experience API', async () => {
    const user = await suite.signedInUser();
    const header = proof(await suite.passwordProof(user.accessToken));
    const account = world.account({ email: `m9.${suite.unique()}@idp.test`, email_verified: true });
    const recordId = await accountSocialVerified(suite, user.accessToken, world, account);
    expect(await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: recordId }, header)).toMatchObject({ status: 204 });
    expect((await identitiesOf(user.id))[world.target]).toMatchObject({ userId: account.sub, details: { id: account.sub, email: account.email } });
    expect((await suite.account('GET', '/api/my-account', user.accessToken)).body.identities[world.target]).toMatchObject({ userId: account.sub });
    expect(await auditRows(user.id, 'Account.Identity.Create')).toMatchObject([{ result: 'Success', identifier: { type: 'social', value: world.target } }]);

    const s = await suite.session('SignIn');
    expect((await s.call('POST', '/api/experience/identification', { verificationId: await socialVerified(s, world, account) })).status).toBe(204);
    expect((await submitted(s)).sub).toBe(user.id);
  });

  it('401 without identity proof (a Social record is never one); 400 verification_record.not_found for an unverified or non-Social record', async () => {
    const user = await suite.signedInUser();
    const recordId = await accountSocialVerified(suite, user.accessToken, world, world.account());
    const body = { newIdentifierVerificationRecordId: recordId };
    expect(outcome(await suite.account('POST', M9, user.accessToken, body))).toEqual([401, 'verification_record.permission_denied']);
    expect(outcome(await suite.account('POST', M9, user.accessToken, body, proof(recordId)))).toEqual([401, 'verification_record.permission_denied']);
    const header = proof(await suite.passwordProof(user.accessToken));
    const unverified = (await accountAuthorization(suite, user.accessToken, world.connectorId)).body.verificationRecordId;
    for (const id of ['nosuchrecord', unverified, await codeRecord(suite, user.id, 'email', `s.${suite.unique()}@example.com`), await passwordRecord(suite, user.id)]) {
      expect(outcome(await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: id }, header))).toEqual([400, 'verification_record.not_found']);
    }
    expect(outcome(await suite.account('POST', M9, user.accessToken, {}, header))).toEqual([400, 'guard.invalid_input']);
    expect((await suite.account('POST', M9, user.accessToken, body, header)).status).toBe(204);
  });

  it("422 user.identity_already_in_use for another user's provider account; 400 when the user already has that target", async () => {
    const owner = await suite.signedInUser();
    const user = await suite.signedInUser();
    const account = world.account();
    const ownerHeader = proof(await suite.passwordProof(owner.accessToken));
    const header = proof(await suite.passwordProof(user.accessToken));
    const owned = await accountSocialVerified(suite, owner.accessToken, world, account);
    expect((await suite.account('POST', M9, owner.accessToken, { newIdentifierVerificationRecordId: owned }, ownerHeader)).status).toBe(204);

    const taken = await accountSocialVerified(suite, user.accessToken, world, account);
    expect(outcome(await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: taken }, header))).toEqual([422, 'user.identity_already_in_use']);
    expect(await identitiesOf(user.id)).toEqual({});
    // Another user's account is 422 first, even for a user that has an account of that target already.
    const own = await accountSocialVerified(suite, user.accessToken, world, world.account());
    expect((await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: own }, header)).status).toBe(204);
    expect(outcome(await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: taken }, header))).toEqual([422, 'user.identity_already_in_use']);
    // The same user: its own account again, or another account of the same target.
    expect(outcome(await suite.account('POST', M9, owner.accessToken, { newIdentifierVerificationRecordId: owned }, ownerHeader))).toEqual([400, 'user.identity_already_in_use']);
    const second = await accountSocialVerified(suite, owner.accessToken, world, world.account());
    expect(outcome(await suite.account('POST', M9, owner.accessToken, { newIdentifierVerificationRecordId: second }, ownerHeader))).toEqual([400, 'user.identity_already_in_use']);
    expect((await identitiesOf(owner.id))[world.target]).toMatchObject({ userId: account.sub });
  });

  it('422 session.invalid_connector_id when the record\'s connector was deleted after A5', async () => {
    const user = await suite.signedInUser();
    const header = proof(await suite.passwordProof(user.accessToken));
    const doomed = await world.addConnector();
    const recordId = await accountSocialVerified(suite, user.accessToken, world, world.account(), doomed.id);
    await suite.admin('DELETE', `/api/connectors/${doomed.id}`);
    expect(outcome(await suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: recordId }, header))).toEqual([422, 'session.invalid_connector_id']);
    expect(await identitiesOf(user.id)).toEqual({});
  });

  it('two users linking one provider account at once: one 204, the other 422', async () => {
    const users = [await suite.signedInUser(), await suite.signedInUser()];
    const account = world.account();
    const calls = [];
    for (const user of users) {
      const header = proof(await suite.passwordProof(user.accessToken));
      const recordId = await accountSocialVerified(suite, user.accessToken, world, account);
      calls.push(() => suite.account('POST', M9, user.accessToken, { newIdentifierVerificationRecordId: recordId }, header));
    }
    const answers = await Promise.all(calls.map((call) => call()));
    expect(answers.map(outcome).sort()).toEqual([[204, undefined], [422, 'user.identity_already_in_use']]);
    const linked = await Promise.all(users.map(async (u) => Boolean((await identitiesOf(u.id))[world.target])));
    expect(linked.filter(Boolean)).toHaveLength(1);
  });
});
