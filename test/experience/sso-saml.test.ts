// Enterprise SSO over SAML 2.0 (experience-api.md E11, E12, E3; the assertion consumer route): a
// SAML IdP built in the test signs assertions with a test key; the sign-in page's steps go through
// the Experience API with the interaction's cookies, the IdP's form post reaches the ACS URL without
// them. Every refused response has its positive control: the same flow with a valid response passes.
import { beforeEach, describe, expect, it } from 'vitest';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { bindTotp } from '../helpers/mfa.ts';
import { startHttpServer } from '../helpers/http-server.ts';
import { idpMetadata, type AssertionOptions } from '../helpers/saml-idp.ts';
import { idpAnswer, postToAcs, REDIRECT_URI, returnedTo, SAML_IDP_ENTITY_ID, samlConnector, samlVerified, startSso, signedInSub } from '../helpers/sso-flow.ts';

const suite = useExperienceSuite();
beforeEach(() => suite.settings({ singleSignOnEnabled: true }));

const domain = () => `saml-${suite.unique()}.example.org`;

describe('SAML sign-in', () => {
  it('auto-links a user by the email the IdP asserts, then signs the returning user in by the identity', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const email = `ada@${d}`;
    const user = await suite.newUser({ primaryEmail: email });
    const s = await suite.session('SignIn');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `ada-${d}`, email });
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(204);
    expect(await signedInSub(s)).toBe(user.id);

    const again = await suite.session('SignIn');
    const second = await samlVerified(suite, again, connector.id, { nameId: `ada-${d}`, email: `changed@${d}` });
    expect((await again.call('POST', '/api/experience/identification', { verificationId: second })).status).toBe(204);
    expect(await signedInSub(again)).toBe(user.id);
    const read = await suite.admin('GET', `/api/users/${user.id}?includeSsoIdentities=true`);
    expect(read.ssoIdentities).toHaveLength(1);
    expect(read.ssoIdentities[0]).toMatchObject({ issuer: 'https://idp.saml.test/metadata', identityId: `ada-${d}`, ssoConnectorId: connector.id });
    expect(read.ssoIdentities[0].detail).toMatchObject({ email: `changed@${d}` });
    // The audit log: the link once, each federated sign-in.
    const keys = (await suite.admin('GET', `/api/logs?userId=${user.id}`)).map((l: { key: string }) => l.key);
    expect(keys.filter((k: string) => k === 'Interaction.SignIn.Identifier.EnterpriseSso.Link')).toHaveLength(1);
    expect(keys.filter((k: string) => k === 'Interaction.SignIn.Identifier.Submit')).toHaveLength(2);
  });

  it("takes the identity from the attribute the connector's attributeMapping names", async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    await suite.admin('PATCH', `/api/sso-connectors/${connector.id}`, {
      config: { ...(await suite.admin('GET', `/api/sso-connectors/${connector.id}`)).config, attributeMapping: { id: 'email' } },
    });
    const s = await suite.session('SignIn');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: 'transient-123', email: `map@${d}` });
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(201);
    const sub = await signedInSub(s);
    expect((await suite.admin('GET', `/api/users/${sub}?includeSsoIdentities=true`)).ssoIdentities[0]).toMatchObject({ identityId: `map@${d}` });
  });

  it('sends the browser back to the redirect URI with its state and a one-time code', async () => {
    const connector = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id, 'my-state');
    expect(started.status).toBe(200);
    const acs = await postToAcs(suite.t.url, connector.id, idpAnswer(started.request!, { nameId: 'x' }), started.request!.relayState);
    expect(acs.status).toBe(302);
    expect(acs.location).toMatch(new RegExp(`^${REDIRECT_URI}\\?state=my-state&code=[\\w-]{43}$`));
  });

  it('creates the user just in time: SignIn answers user.identity_not_exist, Register creates it from the IdP user', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const email = `grace@${d}`;
    // Mandatory sign-up fields and mandatory MFA do not stop an SSO user (the IdP's user is the profile;
    // the IdP's policy governs it).
    await suite.settings({ signUp: { identifiers: ['username'], password: true, verify: false }, mfa: { factors: ['Totp'], policy: 'Mandatory' } });
    const s = await suite.session('SignIn');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `grace-${d}`, email, name: 'Grace Hopper' });
    const signIn = await s.call('POST', '/api/experience/identification', { verificationId });
    expect(signIn).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(201);
    const sub = await signedInSub(s);
    const user = await suite.admin('GET', `/api/users/${sub}?includeSsoIdentities=true`);
    expect(user).toMatchObject({ primaryEmail: email, name: 'Grace Hopper' });
    expect(user.ssoIdentities).toEqual([expect.objectContaining({ identityId: `grace-${d}`, ssoConnectorId: connector.id })]);
    const logs = await suite.admin('GET', `/api/logs?userId=${sub}`);
    expect(logs.map((l: { key: string }) => l.key)).toContain('Interaction.Register.Identifier.Submit');
  });

  it('bypasses MFA verification and mandatory MFA for the SSO user (a password sign-in of the same user must verify)', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const email = `mfa@${d}`;
    const user = await suite.newUser({ primaryEmail: email });
    await bindTotp(suite.t, user.id);
    await suite.settings({ mfa: { factors: ['Totp', 'BackupCode'], policy: 'Mandatory' } });
    const control = await suite.identified(user.username);
    expect(await control.call('POST', '/api/experience/submit')).toMatchObject({ status: 403, body: { code: 'session.mfa.require_mfa_verification' } });
    const s = await suite.session('SignIn');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `mfa-${d}`, email });
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(204);
    expect(await signedInSub(s)).toBe(user.id);
  });

  it('never links by an email no IdP asserted: without one, an unknown identity is user.identity_not_exist', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    await suite.newUser({ primaryEmail: `noemail@${d}` });
    const s = await suite.session('SignIn');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `noemail-${d}` });
    expect(await s.call('POST', '/api/experience/identification', { verificationId })).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
  });
});

describe('SAML metadata from a URL', () => {
  it('reads the IdP from its metadata URL at E11 (through the egress policy), and answers 500 connector.invalid_metadata when it is gone', async () => {
    const metadata = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(idpMetadata(SAML_IDP_ENTITY_ID, 'https://idp.saml.test/sso-from-metadata'));
    });
    let closed = false;
    try {
      const d = domain();
      const connector = await suite.admin('POST', '/api/sso-connectors', {
        providerName: 'SAML',
        connectorName: `saml-url-${suite.unique()}`,
        config: { metadataUrl: `${metadata.url}/metadata.xml` },
        domains: [d],
      });
      const s = await suite.session('SignIn');
      const started = await startSso(s, connector.id);
      expect(started.body.authorizationUri).toMatch(/^https:\/\/idp\.saml\.test\/sso-from-metadata\?SAMLRequest=/);
      expect(await samlVerified(suite, s, connector.id, { nameId: `url-${d}` })).toEqual(expect.any(String));
      await metadata.close();
      closed = true;
      expect(await startSso(s, connector.id)).toMatchObject({ status: 500, body: { code: 'connector.invalid_metadata' } });
    } finally {
      if (!closed) await metadata.close();
    }
  });
});

describe('refused SAML responses (each beside the same flow with a valid response)', () => {
  type Bend = Partial<Omit<AssertionOptions, 'issuer' | 'request' | 'nameId'>>;
  async function answer(bend: Bend | ((relay: string) => Bend)) {
    const connector = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id);
    const request = started.request!;
    const options = typeof bend === 'function' ? bend(request.relayState) : bend;
    const acs = await postToAcs(suite.t.url, connector.id, idpAnswer(request, { nameId: `n-${suite.unique()}`, ...options }), request.relayState);
    const verify = await s.call('POST', `/api/experience/verification/sso/${connector.id}/verify`, {
      verificationId: started.body.verificationId,
      connectorData: returnedTo(acs.location),
    });
    return { acs, verify };
  }
  const refused = { status: 400, body: { code: 'connector.authorization_failed' } };

  it.each<[string, Bend]>([
    ['valid', {}],
    ['expired within the allowed clock skew', { validForSeconds: -20 }],
  ])('accepts a %s response (the control)', async (_name, bend) => {
    const { acs, verify } = await answer(bend);
    expect(acs.status).toBe(302);
    expect(verify.status).toBe(200);
  });

  it.each<[string, Bend, string]>([
    ['unsigned', { signedBy: 'none' }, 'Invalid signature'],
    ['signed by another key', { signedBy: 'other' }, 'Invalid signature'],
    ['for another audience', { audience: 'https://another-sp.test/entity' }, 'audience'],
    ['for another recipient', { recipient: 'https://another-sp.test/acs' }, 'recipient'],
    ['for another destination', { destination: 'https://another-sp.test/acs' }, 'destination'],
    ['expired beyond the allowed clock skew (60 s)', { validForSeconds: -120 }, 'No valid subject confirmation'],
    ['in response to another request', { inResponseTo: '_another' }, 'InResponseTo'],
    ['wrapped: an unsigned assertion injected beside the signed one', { wrap: { as: 'mallory', how: 'sibling' } }, 'multiple assertions'],
    ['wrapped: the signed assertion hidden in Extensions, an unsigned one in its place', { wrap: { as: 'mallory', how: 'extensions' } }, 'Invalid signature'],
    ['with a DOCTYPE', { doctype: true }, 'DOCTYPE'],
  ])('refuses a response %s', async (_name, bend, reason) => {
    const { acs, verify } = await answer(bend);
    expect(acs).toMatchObject(refused);
    expect(acs.body.data.message).toContain(reason);
    // Nothing was kept: E12 finds no accepted response.
    expect(verify).toMatchObject({ status: 500, body: { code: 'connector.authorization_failed' } });
  });

  it('refuses a replayed response: the same post again, and the same assertion id in a new signed response', async () => {
    const connector = await samlConnector(suite, domain());
    const assertionId = `_replay${suite.unique()}`;
    const first = await suite.session('SignIn');
    const started = await startSso(first, connector.id);
    const response = idpAnswer(started.request!, { nameId: 'r', assertionId });
    expect((await postToAcs(suite.t.url, connector.id, response, started.request!.relayState)).status).toBe(302);
    // The same bytes again: the record's session already holds a response.
    expect(await postToAcs(suite.t.url, connector.id, response, started.request!.relayState)).toMatchObject({
      status: 404,
      body: { code: 'session.connector_validation_session_not_found' },
    });
    // A new request answered with a new signed response reusing the assertion id: refused by the
    // replay table; the control with a fresh id passes.
    const second = await suite.session('SignIn');
    const again = await startSso(second, connector.id);
    const reused = await postToAcs(suite.t.url, connector.id, idpAnswer(again.request!, { nameId: 'r', assertionId }), again.request!.relayState);
    expect(reused).toMatchObject(refused);
    expect(reused.body.data.message).toContain('used before');
    const fresh = await postToAcs(suite.t.url, connector.id, idpAnswer(again.request!, { nameId: 'r' }), again.request!.relayState);
    expect(fresh.status).toBe(302);
  });
});

describe('the assertion consumer route: every status and code', () => {
  it('answers 404 connector.not_found, 404 session.connector_validation_session_not_found, 400 guard.invalid_input', async () => {
    const connector = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id);
    const response = idpAnswer(started.request!, { nameId: 'a' });
    const oidc = await suite.admin('POST', '/api/sso-connectors', { providerName: 'OIDC', connectorName: `oidc-${suite.unique()}` });
    expect(await postToAcs(suite.t.url, 'nosuchconnector', response, started.request!.relayState)).toMatchObject({ status: 404, body: { code: 'connector.not_found' } });
    expect((await postToAcs(suite.t.url, oidc.id, response, started.request!.relayState)).status).toBe(404); // no usable config
    const noSession = { status: 404, body: { code: 'session.connector_validation_session_not_found' } };
    expect(await postToAcs(suite.t.url, connector.id, response, undefined)).toMatchObject(noSession);
    expect(await postToAcs(suite.t.url, connector.id, response, `${s.uid}.wrongtoken`)).toMatchObject(noSession);
    expect(await postToAcs(suite.t.url, connector.id, response, `nosuchinteraction.${started.request!.relayState.split('.').pop()}`)).toMatchObject(noSession);
    const other = await samlConnector(suite, domain());
    expect(await postToAcs(suite.t.url, other.id, response, started.request!.relayState)).toMatchObject(noSession);
    expect(await postToAcs(suite.t.url, connector.id, '', started.request!.relayState)).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    // The control: the right connector and relay state.
    expect((await postToAcs(suite.t.url, connector.id, response, started.request!.relayState)).status).toBe(302);
  });
});

describe('races', () => {
  it('two first sign-ins of one identity at once both reach the user, with one identity row', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const email = `race@${d}`;
    const user = await suite.newUser({ primaryEmail: email });
    const sessions = await Promise.all([suite.session('SignIn'), suite.session('SignIn')]);
    const ids = await Promise.all(sessions.map((s) => samlVerified(suite, s, connector.id, { nameId: `race-${d}`, email })));
    const answers = await Promise.all(sessions.map((s, n) => s.call('POST', '/api/experience/identification', { verificationId: ids[n] })));
    expect(answers.map((a) => a.status)).toEqual([204, 204]);
    expect(await Promise.all(sessions.map((s) => signedInSub(s)))).toEqual([user.id, user.id]);
    expect((await suite.admin('GET', `/api/users/${user.id}?includeSsoIdentities=true`)).ssoIdentities).toHaveLength(1);
  });
});
