// Enterprise SSO statuses and codes (experience-api.md E5, E11, E12, E3 `session.sso_enabled` and
// `user.sign_in_method_not_enabled`, E24): each refusal beside the same call that passes.
import { beforeEach, describe, expect, it } from 'vitest';
import { PASSWORD, useExperienceSuite } from '../helpers/experience-suite.ts';
import { idpAnswer, postToAcs, REDIRECT_URI, returnedTo, samlConnector, samlVerified, startSso } from '../helpers/sso-flow.ts';

const suite = useExperienceSuite({ email: true });
beforeEach(() => suite.settings({ singleSignOnEnabled: true }));

const domain = () => `errs-${suite.unique()}.example.org`;

describe('E5 GET /api/experience/sso-connectors', () => {
  it('answers the connectors of the domain; none for another domain or with SSO off; 400 for a bad email', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const s = await suite.session(null);
    const find = (email: string) => s.call('GET', `/api/experience/sso-connectors?email=${encodeURIComponent(email)}`);
    expect(await find(`a@${d}`)).toMatchObject({ status: 200, body: { connectorIds: [connector.id] } });
    expect(await find(`a@${d.toUpperCase()}`)).toMatchObject({ status: 200, body: { connectorIds: [connector.id] } });
    expect(await find(`a@other-${d}`)).toMatchObject({ status: 200, body: { connectorIds: [] } });
    // A connector saved without a usable config is not offered.
    await suite.admin('POST', '/api/sso-connectors', { providerName: 'OIDC', connectorName: `bare-${suite.unique()}`, domains: [`bare-${d}`] });
    expect(await find(`a@bare-${d}`)).toMatchObject({ status: 200, body: { connectorIds: [] } });
    for (const bad of ['not-an-email', `a@`, '']) expect(await find(bad)).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect(await s.call('GET', '/api/experience/sso-connectors')).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    await suite.settings({ singleSignOnEnabled: false });
    expect(await find(`a@${d}`)).toMatchObject({ status: 200, body: { connectorIds: [] } });
  });

  it('needs the OIDC interaction (400 session.not_found) but no experience state', async () => {
    const response = await fetch(`${suite.t.url}/api/experience/sso-connectors?email=a@example.org`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'session.not_found' });
  });
});

describe('session.sso_enabled: an SSO domain signs in through SSO only', () => {
  it('refuses password and code sign-in (E3) and staging the email (E24) for an SSO domain, not for others or with SSO off', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const user = await suite.newUser({ primaryEmail: `pw@${d}` });
    const password = async () => {
      const s = await suite.session('SignIn');
      const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: `pw@${d}` }, password: PASSWORD });
      return s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId });
    };
    const refused = await password();
    expect(refused).toMatchObject({ status: 422, body: { code: 'session.sso_enabled', data: { ssoConnectors: [expect.objectContaining({ id: connector.id })] } } });
    expect(JSON.stringify(refused.body)).not.toContain('x509Certificate');
    const code = await suite.session('SignIn');
    const codeId = await suite.verifiedCode(code, { type: 'email', value: `pw@${d}` });
    expect(await code.call('POST', '/api/experience/identification', { verificationId: codeId })).toMatchObject({ status: 422, body: { code: 'session.sso_enabled' } });
    const register = await suite.session('Register');
    const registerId = await suite.verifiedCode(register, { type: 'email', value: `new@${d}` }, 'Register');
    expect(await register.call('POST', '/api/experience/identification', { verificationId: registerId })).toMatchObject({ status: 422, body: { code: 'session.sso_enabled' } });
    expect(await register.call('POST', '/api/experience/profile', { type: 'email', verificationId: registerId })).toMatchObject({ status: 422, body: { code: 'session.sso_enabled' } });
    // Controls: another domain, and the same one with SSO off.
    const other = await suite.newUser({ primaryEmail: `pw@other-${d}` });
    const s = await suite.session('SignIn');
    const verified = await s.call('POST', '/api/experience/verification/password', { identifier: { type: 'email', value: `pw@other-${d}` }, password: PASSWORD });
    expect((await s.call('POST', '/api/experience/identification', { verificationId: verified.body.verificationId })).status).toBe(204);
    expect(other.id).not.toBe(user.id);
    await suite.settings({ singleSignOnEnabled: false });
    expect((await password()).status).toBe(204);
  });
});

describe('E3 with an EnterpriseSso record', () => {
  it('answers 422 user.sign_in_method_not_enabled with SSO off, 400 session.verification_failed unverified', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    await suite.newUser({ primaryEmail: `e3@${d}` });
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id);
    expect(await s.call('POST', '/api/experience/identification', { verificationId: started.body.verificationId })).toMatchObject({
      status: 400,
      body: { code: 'session.verification_failed' },
    });
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `e3-${d}`, email: `e3@${d}` });
    await suite.settings({ singleSignOnEnabled: false });
    expect(await s.call('POST', '/api/experience/identification', { verificationId })).toMatchObject({ status: 422, body: { code: 'user.sign_in_method_not_enabled' } });
    await suite.settings({ singleSignOnEnabled: true });
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(204);
  });

  it('answers 401 user.suspended, and 409 session.identity_conflict when identified as another user', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const suspended = await suite.newUser({ primaryEmail: `sus@${d}` });
    await suite.admin('PATCH', `/api/users/${suspended.id}/is-suspended`, { isSuspended: true });
    const s = await suite.session('SignIn');
    const id = await samlVerified(suite, s, connector.id, { nameId: `sus-${d}`, email: `sus@${d}` });
    expect(await s.call('POST', '/api/experience/identification', { verificationId: id })).toMatchObject({ status: 401, body: { code: 'user.suspended' } });
    const other = await suite.newUser();
    await suite.newUser({ primaryEmail: `ok@${d}` });
    const identified = await suite.identified(other.username);
    const okId = await samlVerified(suite, identified, connector.id, { nameId: `ok-${d}`, email: `ok@${d}` });
    expect(await identified.call('POST', '/api/experience/identification', { verificationId: okId })).toMatchObject({ status: 409, body: { code: 'session.identity_conflict' } });
  });
});

describe('E11 and E12: every status and code', () => {
  it('E11: 404 connector.not_found (missing, removed, unusable), 400 guard.invalid_input; 200 otherwise', async () => {
    const connector = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const start = (id: string, body: unknown = { state: 's', redirectUri: REDIRECT_URI }) => s.call('POST', `/api/experience/verification/sso/${id}/authorization-uri`, body);
    const ok = await start(connector.id);
    expect(ok).toMatchObject({ status: 200, body: { verificationId: expect.any(String), authorizationUri: expect.stringMatching(/^https:\/\/idp\.saml\.test\/sso\?SAMLRequest=/) } });
    expect(await start('nosuchconnector')).toMatchObject({ status: 404, body: { code: 'connector.not_found' } });
    const bare = await suite.admin('POST', '/api/sso-connectors', { providerName: 'SAML', connectorName: `bare-${suite.unique()}` });
    expect(await start(bare.id)).toMatchObject({ status: 404, body: { code: 'connector.not_found' } });
    expect(await start(connector.id, { state: '', redirectUri: REDIRECT_URI })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect(await start(connector.id, { state: 's', redirectUri: 'not a url' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    // SAML sends the browser back itself: only to this server's origin or one an application allows
    expect(await start(connector.id, { state: 's', redirectUri: 'https://attacker.example/catch' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect((await start(connector.id, { state: 's', redirectUri: `${suite.t.url}/sign-in/sso-callback` })).status).toBe(200);
    await suite.admin('DELETE', `/api/sso-connectors/${connector.id}`);
    expect(await start(connector.id)).toMatchObject({ status: 404, body: { code: 'connector.not_found' } });
  });

  it('E12: 404 session.verification_session_not_found, 404 connector.not_found, 400 session.connector_validation_session_not_found, 500 connector.authorization_failed', async () => {
    const connector = await samlConnector(suite, domain());
    const other = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id);
    let connectorData: Record<string, string> = {};
    const verify = (id: string, verificationId: string) => s.call('POST', `/api/experience/verification/sso/${id}/verify`, { verificationId, connectorData });
    expect(await verify(connector.id, 'nosuchrecord')).toMatchObject({ status: 404, body: { code: 'session.verification_session_not_found' } });
    expect(await verify(other.id, started.body.verificationId)).toMatchObject({ status: 404, body: { code: 'session.verification_session_not_found' } });
    // Before the IdP's response reached the ACS URL.
    expect(await verify(connector.id, started.body.verificationId)).toMatchObject({ status: 500, body: { code: 'connector.authorization_failed' } });
    expect(await s.call('POST', `/api/experience/verification/sso/${connector.id}/verify`, { connectorData: {} })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    const acs = await postToAcs(suite.t.url, connector.id, idpAnswer(started.request!, { nameId: 'x' }), started.request!.relayState);
    expect(acs.status).toBe(302);
    // the one-time code the ACS URL sent the browser back with is needed: without it, or with another, refused
    expect(await verify(connector.id, started.body.verificationId)).toMatchObject({ status: 500, body: { code: 'connector.authorization_failed' } });
    connectorData = { ...returnedTo(acs.location), code: 'not-the-code' };
    expect(await verify(connector.id, started.body.verificationId)).toMatchObject({ status: 500, body: { code: 'connector.authorization_failed' } });
    connectorData = returnedTo(acs.location);
    expect((await verify(connector.id, started.body.verificationId)).status).toBe(200);
    // The session is used once.
    expect(await verify(connector.id, started.body.verificationId)).toMatchObject({ status: 400, body: { code: 'session.connector_validation_session_not_found' } });
    // A removed connector.
    const again = await startSso(s, other.id);
    await suite.admin('DELETE', `/api/sso-connectors/${other.id}`);
    expect(await verify(other.id, again.body.verificationId)).toMatchObject({ status: 404, body: { code: 'connector.not_found' } });
  });
});

describe('E3 Register with an SSO record', () => {
  it('400 session.verification_failed while single sign-on is off; 201 once it is on', async () => {
    const d = domain();
    const connector = await samlConnector(suite, d);
    const s = await suite.session('Register');
    const verificationId = await samlVerified(suite, s, connector.id, { nameId: `jit-${suite.unique()}`, email: `new@${d}` });
    await suite.settings({ singleSignOnEnabled: false });
    expect(await s.call('POST', '/api/experience/identification', { verificationId })).toMatchObject({ status: 400, body: { code: 'session.verification_failed' } });
    await suite.settings({ singleSignOnEnabled: true });
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(201);
  });
});

