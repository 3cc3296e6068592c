// E9, E10 and the Social rows of E3 and E24 against experience-api.md: every status and code, each
// refusal next to the same call succeeding. The connector side is a real OIDC social connector of
// a loopback IdP; the single use of the connector session (a replayed callback, a reused code, two
// callbacks at once) and the `state` check are exercised end to end.
import { describe, expect, it } from 'vitest';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { authorizationUri, authorized, REDIRECT_URI, socialVerified, submitted, useSocialWorld, verifySocial } from '../helpers/social-flow.ts';
import { samlConnector } from '../helpers/sso-flow.ts';

const x = useExperienceSuite({ email: true });
const world = useSocialWorld(x);

const E3 = '/api/experience/identification';
const E24 = '/api/experience/profile';
const OPEN_SIGN_UP = { signUp: { identifiers: [], password: false, verify: false } };
const err = (status: number, code: string) => ({ status, body: expect.objectContaining({ code }) });
const e9 = (connectorId: string) => `/api/experience/verification/social/${connectorId}/authorization-uri`;

describe('E9 POST /api/experience/verification/social/{connectorId}/authorization-uri', () => {
  it("200 {authorizationUri, verificationId}: the IdP's URI with state, PKCE S256 and nonce", async () => {
    const s = await x.session('SignIn');
    const answer = await authorizationUri(s, world.connectorId, 'client-state-1');
    expect(answer.status).toBe(200);
    expect(Object.keys(answer.body).sort()).toEqual(['authorizationUri', 'verificationId']);
    const uri = new URL(answer.body.authorizationUri);
    expect(uri.origin).toBe(new URL(world.idp.issuer).origin);
    expect(uri.searchParams.get('state')).toBe('client-state-1');
    expect(uri.searchParams.get('redirect_uri')).toBe(REDIRECT_URI);
    expect(uri.searchParams.get('code_challenge_method')).toBe('S256');
    expect(uri.searchParams.get('nonce')).toBeTruthy();
    // The session is kept with the interaction (sealed: it holds the PKCE verifier), never sent to the client.
    expect(JSON.stringify(answer.body)).not.toMatch(/codeVerifier|nonce"/);
    const [row] = await x.t.db.query<{ state: any }>('SELECT state FROM experience_interactions WHERE uid = $1', [s.uid]);
    const record = row!.state.verificationRecords.find((r: { id: string }) => r.id === answer.body.verificationId);
    expect(record).toMatchObject({ type: 'Social', connectorId: world.connectorId, verified: false });
    expect(typeof record.session).toBe('string');
    expect(record.session).not.toContain('client-state-1');
  });

  it('400 session.insufficient_info for an empty state or redirectUri; 400 guard.invalid_input for a missing one', async () => {
    const s = await x.session('SignIn');
    expect(await s.call('POST', e9(world.connectorId), { state: '', redirectUri: REDIRECT_URI })).toMatchObject(err(400, 'session.insufficient_info'));
    expect(await s.call('POST', e9(world.connectorId), { state: 's', redirectUri: '' })).toMatchObject(err(400, 'session.insufficient_info'));
    expect(await s.call('POST', e9(world.connectorId), { state: 's' })).toMatchObject(err(400, 'guard.invalid_input'));
    for (const redirectUri of ['/relative/callback', 'javascript:alert(1)', 'not a url'])
      expect(await s.call('POST', e9(world.connectorId), { state: 's', redirectUri })).toMatchObject(err(400, 'guard.invalid_input'));
    expect((await s.call('POST', e9(world.connectorId), { state: 's', redirectUri: REDIRECT_URI })).status).toBe(200);
  });

  it('404 entity.not_found for no such connector, 400 connector.unexpected_type for an Email one', async () => {
    const s = await x.session('SignIn');
    expect(await authorizationUri(s, 'nosuchconnector')).toMatchObject(err(404, 'entity.not_found'));
    const email = ((await x.admin('GET', '/api/connectors')) as { id: string; type: string }[]).find((c) => c.type === 'Email')!;
    expect(await authorizationUri(s, email.id)).toMatchObject(err(400, 'connector.unexpected_type'));
    expect((await authorizationUri(s, world.connectorId)).status).toBe(200);
  });

  it('404 session.interaction_not_found before E1; 400 session.not_found without the interaction cookie', async () => {
    const s = await x.session(null);
    expect(await authorizationUri(s, world.connectorId)).toMatchObject(err(404, 'session.interaction_not_found'));
    const response = await fetch(`${x.t.url}${e9(world.connectorId)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ state: 's', redirectUri: REDIRECT_URI }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe('session.not_found');
  });

  it('a deleted connector: E9 404 entity.not_found, and E10 of a record made before 422 session.invalid_connector_id', async () => {
    const doomed = await world.addConnector();
    const s = await x.session('SignIn');
    expect((await socialVerified(s, world, world.account(), doomed.id)).length).toBe(21); // works while it exists
    const { verificationId, params } = await authorized(s, world, world.account(), doomed.id);
    await x.admin('DELETE', `/api/connectors/${doomed.id}`);
    expect(await authorizationUri(s, doomed.id)).toMatchObject(err(404, 'entity.not_found'));
    expect(await verifySocial(s, doomed.id, verificationId, params)).toMatchObject(err(422, 'session.invalid_connector_id'));
  });
});

describe('E10 POST /api/experience/verification/social/{connectorId}/verify', () => {
  it('422 session.invalid_connector_id for an unknown or non-social connector', async () => {
    const s = await x.session('SignIn');
    const { verificationId, params } = await authorized(s, world, world.account());
    expect(await verifySocial(s, 'nosuchconnector', verificationId, params)).toMatchObject({
      status: 422,
      body: { code: 'session.invalid_connector_id', data: { connectorId: 'nosuchconnector' } },
    });
    const email = ((await x.admin('GET', '/api/connectors')) as { id: string; type: string }[]).find((c) => c.type === 'Email')!;
    expect(await verifySocial(s, email.id, verificationId, params)).toMatchObject(err(422, 'session.invalid_connector_id'));
    expect(await verifySocial(s, world.connectorId, verificationId, params)).toEqual({ status: 200, body: { verificationId } });
  });

  it('404 session.verification_session_not_found: no id (One Tap is not supported), an unknown id, another connector, a replaced record', async () => {
    const other = await world.addConnector();
    const s = await x.session('SignIn');
    const { verificationId, params } = await authorized(s, world, world.account());
    expect(await verifySocial(s, world.connectorId, undefined, params)).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await verifySocial(s, world.connectorId, undefined, { credential: 'x', g_csrf_token: 'y' })).toMatchObject(
      err(404, 'session.verification_session_not_found'),
    );
    expect(await verifySocial(s, world.connectorId, 'nosuchrecord000000000', params)).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await verifySocial(s, other.id, verificationId, params)).toMatchObject(err(404, 'session.verification_session_not_found'));
    // A record of another type is not a Social one.
    const code = await s.call('POST', '/api/experience/verification/verification-code', { identifier: { type: 'email', value: `c.${x.unique()}@example.com` }, interactionEvent: 'SignIn' });
    expect(await verifySocial(s, world.connectorId, code.body.verificationId, params)).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect(await verifySocial(s, world.connectorId, verificationId, params)).toEqual({ status: 200, body: { verificationId } });
    // A new E9 replaces the record: the old id is gone.
    const second = await authorized(s, world, world.account());
    expect(await verifySocial(s, world.connectorId, verificationId, second.params)).toMatchObject(err(404, 'session.verification_session_not_found'));
    expect((await verifySocial(s, world.connectorId, second.verificationId, second.params)).status).toBe(200);
  });

  it('401 connector.social_auth_code_invalid for a wrong state; the session survives for the right callback', async () => {
    const s = await x.session('SignIn');
    const { verificationId, params } = await authorized(s, world, world.account());
    expect(await verifySocial(s, world.connectorId, verificationId, { ...params, state: 'forged-state' })).toMatchObject(err(401, 'connector.social_auth_code_invalid'));
    expect(await verifySocial(s, world.connectorId, verificationId, { code: params.code })).toMatchObject(err(401, 'connector.social_auth_code_invalid'));
    expect(await verifySocial(s, world.connectorId, verificationId, params)).toEqual({ status: 200, body: { verificationId } });
  });

  it("connector.* from the connector: an ID token for another audience is 401 connector.social_auth_code_invalid", async () => {
    const s = await x.session('SignIn');
    const first = await authorized(s, world, world.account());
    world.idp.misbehave({ aud: 'someone-else' });
    try {
      expect(await verifySocial(s, world.connectorId, first.verificationId, first.params)).toMatchObject(err(401, 'connector.social_auth_code_invalid'));
    } finally {
      world.idp.misbehave(null);
    }
    const next = await authorized(s, world, world.account());
    expect((await verifySocial(s, world.connectorId, next.verificationId, next.params)).status).toBe(200);
  });

  it('single use: a replayed callback is 400 session.connector_validation_session_not_found, a reused code 401', async () => {
    const s = await x.session('SignIn');
    const { verificationId, params } = await authorized(s, world, world.account());
    expect((await verifySocial(s, world.connectorId, verificationId, params)).status).toBe(200);
    expect(await verifySocial(s, world.connectorId, verificationId, params)).toMatchObject(err(400, 'session.connector_validation_session_not_found'));
    // A new authorization (its own state) handed the first, used code: the IdP refuses it.
    const next = await authorized(s, world, world.account());
    const tokenRequests = world.idp.requests('/token');
    expect(await verifySocial(s, world.connectorId, next.verificationId, { ...params, state: new URL(next.authorizationUri).searchParams.get('state')! })).toMatchObject(
      err(401, 'connector.social_auth_code_invalid'),
    );
    expect(world.idp.requests('/token')).toBe(tokenRequests + 1);
    expect((await verifySocial(s, world.connectorId, next.verificationId, next.params)).status).toBe(200);
  });

  it('two callbacks of one session at once, each with its own good code: one verifies, the other finds the session used', async () => {
    const s = await x.session('SignIn');
    const account = world.account();
    const { verificationId, params, authorizationUri: uri } = await authorized(s, world, account);
    // The user went through the IdP twice with the same authorization: two codes, both good.
    const { params: twice } = await world.idp.login(uri, account.sub);
    expect(twice.code).not.toBe(params.code);
    const answers = await Promise.all([params, twice].map((data) => verifySocial(s, world.connectorId, verificationId, data)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 400]);
    expect(answers.find((a) => a.status === 400)!.body.code).toBe('session.connector_validation_session_not_found');
  });
});

describe('E3 with a Social record', () => {
  it('SignIn, in check order: 404 record → 403 mode → 422 forgot password → 400 unverified → 404 identity → 401 suspended → 409 conflict', async () => {
    await x.settings(OPEN_SIGN_UP);
    const account = world.account();
    const reg = await x.session('Register');
    expect((await reg.call('POST', E3, { verificationId: await socialVerified(reg, world, account) })).status).toBe(201);
    const { sub } = await submitted(reg);

    const s = await x.session('SignIn');
    expect(await s.call('POST', E3, { verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    const unverified = (await authorizationUri(s, world.connectorId)).body.verificationId;
    expect(await s.call('POST', E3, { verificationId: unverified })).toMatchObject(err(400, 'session.verification_failed'));
    const verificationId = await socialVerified(s, world, account);
    await x.settings({ signInMode: 'Register' });
    expect(await s.call('POST', E3, { verificationId })).toMatchObject(err(403, 'auth.forbidden'));
    await x.settings({ signInMode: 'SignInAndRegister' });
    expect(await s.call('POST', E3, { verificationId: await socialVerified(s, world, world.account()) })).toMatchObject(err(404, 'user.identity_not_exist'));
    const signIn = await socialVerified(s, world, account);
    await x.admin('PATCH', `/api/users/${sub}/is-suspended`, { isSuspended: true });
    expect(await s.call('POST', E3, { verificationId: signIn })).toMatchObject(err(401, 'user.suspended'));
    await x.admin('PATCH', `/api/users/${sub}/is-suspended`, { isSuspended: false });
    expect(await s.call('POST', E3, { verificationId: signIn })).toEqual({ status: 204, body: null });
    // Same user again: 204; another user's identity: 409.
    expect(await s.call('POST', E3, { verificationId: signIn })).toEqual({ status: 204, body: null });
    const otherAccount = world.account();
    const other = await x.session('Register');
    expect((await other.call('POST', E3, { verificationId: await socialVerified(other, world, otherAccount) })).status).toBe(201);
    expect(await s.call('POST', E3, { verificationId: await socialVerified(s, world, otherAccount) })).toMatchObject(err(409, 'session.identity_conflict'));

    const forgot = await x.session('ForgotPassword');
    expect(await forgot.call('POST', E3, { verificationId: await socialVerified(forgot, world, account) })).toMatchObject(err(422, 'session.not_supported_for_forgot_password'));
  });

  it('404 user.identity_not_exist carries data.relatedUser for a verified phone too', async () => {
    const phone = x.phone();
    const user = await x.newUser({ primaryPhone: phone });
    const s = await x.session('SignIn');
    const verificationId = await socialVerified(s, world, world.account({ phone_number: `+${phone}`, phone_number_verified: true }));
    expect(await s.call('POST', E3, { verificationId })).toMatchObject({
      status: 404,
      body: { code: 'user.identity_not_exist', data: { relatedUser: { type: 'phone', value: phone } } },
    });
    expect((await s.call('POST', E3, { verificationId, linkSocialIdentity: true })).status).toBe(204);
    expect((await submitted(s)).sub).toBe(user.id);
  });

  it('Register: 403 auth.forbidden (mode SignIn), 400 unverified, 422 user.identity_already_in_use, 201', async () => {
    await x.settings(OPEN_SIGN_UP);
    const account = world.account();
    const s = await x.session('Register');
    const unverified = (await authorizationUri(s, world.connectorId)).body.verificationId;
    expect(await s.call('POST', E3, { verificationId: unverified })).toMatchObject(err(400, 'session.verification_failed'));
    const verificationId = await socialVerified(s, world, account);
    await x.settings({ signInMode: 'SignIn' });
    expect(await s.call('POST', E3, { verificationId })).toMatchObject(err(403, 'auth.forbidden'));
    await x.settings({ signInMode: 'SignInAndRegister' });
    // Someone registers with the same provider account first.
    const first = await x.session('Register');
    expect((await first.call('POST', E3, { verificationId: await socialVerified(first, world, account) })).status).toBe(201);
    expect(await s.call('POST', E3, { verificationId })).toMatchObject(err(422, 'user.identity_already_in_use'));
    expect((await s.call('POST', E3, { verificationId: await socialVerified(s, world, world.account()) })).status).toBe(201);
  });
});

describe('E24 social', () => {
  it('404 unknown or non-Social record, 400 unverified, 404 not identified (SignIn), 400 ForgotPassword; 204', async () => {
    const user = await x.newUser();
    const fresh = await x.session('SignIn');
    const early = await socialVerified(fresh, world, world.account());
    expect(await fresh.call('POST', E24, { type: 'social', verificationId: early })).toMatchObject(err(404, 'session.identifier_not_found'));
    const s = await x.identified(user.username);
    expect(await s.call('POST', E24, { type: 'social', verificationId: 'nosuchrecord000000000' })).toMatchObject(err(404, 'session.verification_session_not_found'));
    const unverified = (await authorizationUri(s, world.connectorId)).body.verificationId;
    expect(await s.call('POST', E24, { type: 'social', verificationId: unverified })).toMatchObject(err(400, 'session.verification_failed'));
    expect(await s.call('POST', E24, { type: 'social' })).toMatchObject(err(400, 'guard.invalid_input'));
    expect(await s.call('POST', E24, { type: 'social', verificationId: await socialVerified(s, world, world.account()) })).toEqual({ status: 204, body: null });
    const forgot = await x.session('ForgotPassword');
    expect(await forgot.call('POST', E24, { type: 'social', verificationId: await socialVerified(forgot, world, world.account()) })).toMatchObject(
      err(400, 'session.not_supported_for_forgot_password'),
    );
  });

  it('OpenAPI lists E9 and E10 and the social profile variant', async () => {
    const doc = await (await fetch(`${x.t.url}/api/swagger.json`)).json();
    const e9Op = doc.paths['/api/experience/verification/social/{connectorId}/authorization-uri'].post;
    const e10Op = doc.paths['/api/experience/verification/social/{connectorId}/verify'].post;
    expect(Object.keys(e9Op.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '422']));
    expect(Object.keys(e10Op.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '404', '422']));
    expect(JSON.stringify(doc.paths['/api/experience/profile'].post.requestBody)).toContain('"social"');
  });
});

describe('a provider email of a domain that signs in through SSO only (session.sso_enabled, as Logto)', () => {
  it('E3 SignIn and Register and E24 social answer 422 session.sso_enabled while single sign-on is on; not once it is off', async () => {
    const d = `sso-only-${x.unique()}.example.org`;
    await samlConnector(x, d);
    const account = world.idp.addAccount({ email: `someone@${d}`, email_verified: true });
    await x.settings({ ...OPEN_SIGN_UP, singleSignOnEnabled: true });
    try {
      const signIn = await x.session('SignIn');
      const first = await socialVerified(signIn, world, account);
      expect(await signIn.call('POST', E3, { verificationId: first })).toMatchObject(err(422, 'session.sso_enabled'));
      const register = await x.session('Register');
      const second = await socialVerified(register, world, account);
      expect(await register.call('POST', E24, { type: 'social', verificationId: second })).toMatchObject(err(422, 'session.sso_enabled'));
      expect(await register.call('POST', E3, { verificationId: second })).toMatchObject(err(422, 'session.sso_enabled'));
    } finally {
      await x.settings({ singleSignOnEnabled: false });
    }
    // the control: with single sign-on off the same provider account registers
    const register = await x.session('Register');
    const third = await socialVerified(register, world, account);
    expect((await register.call('POST', E3, { verificationId: third })).status).toBe(201);
  });
});
