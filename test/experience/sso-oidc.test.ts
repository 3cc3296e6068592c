// Enterprise SSO over OpenID Connect (experience-api.md E5, E11, E12, E3): a second oidc-provider on
// loopback plays the company's IdP; Verity is its relying party through openid-client, and the test
// is Verity's relying party through openid-client too. Every refused callback has its control.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { oidcCallback, oidcConnector, postToAcs, verifySso, signedInSub } from '../helpers/sso-flow.ts';

const suite = useExperienceSuite();
let idp: OidcIdp;
beforeAll(async () => {
  idp = await startOidcIdp();
});
afterAll(() => idp?.close());
beforeEach(() => {
  idp.misbehave(null);
  return suite.settings({ singleSignOnEnabled: true });
});

const domain = () => `oidc-${suite.unique()}.example.org`;

describe('OIDC sign-in', () => {
  it('finds the connector by email domain, auto-links the user with the verified email, then signs the returning user in', async () => {
    const d = domain();
    const connector = await oidcConnector(suite, idp, d, { syncProfile: true });
    const email = `lin@${d}`;
    const user = await suite.newUser({ primaryEmail: email });
    const account = idp.addAccount({ email, email_verified: true, name: 'Lin From IdP' });
    const s = await suite.session('SignIn');
    expect(await s.call('GET', `/api/experience/sso-connectors?email=${email}`)).toMatchObject({ status: 200, body: { connectorIds: [connector.id] } });
    const { verificationId, params } = await oidcCallback(s, idp, connector.id, account.sub);
    expect((await verifySso(s, connector.id, verificationId, params)).status).toBe(200);
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(204);
    expect(await signedInSub(s)).toBe(user.id);
    const read = await suite.admin('GET', `/api/users/${user.id}?includeSsoIdentities=true`);
    expect(read).toMatchObject({ name: 'Lin From IdP' }); // syncProfile
    expect(read.ssoIdentities).toEqual([expect.objectContaining({ issuer: idp.issuer, identityId: account.sub, ssoConnectorId: connector.id })]);

    const again = await suite.session('SignIn');
    const second = await oidcCallback(again, idp, connector.id, account.sub);
    expect((await verifySso(again, connector.id, second.verificationId, second.params)).status).toBe(200);
    expect((await again.call('POST', '/api/experience/identification', { verificationId: second.verificationId })).status).toBe(204);
    expect(await signedInSub(again)).toBe(user.id);
  });

  it('creates the user just in time on the first SSO sign-in (Register after user.identity_not_exist)', async () => {
    const d = domain();
    const connector = await oidcConnector(suite, idp, d);
    const account = idp.addAccount({ email: `new@${d}`, email_verified: true, name: 'New Person' });
    const s = await suite.session('SignIn');
    const { verificationId, params } = await oidcCallback(s, idp, connector.id, account.sub);
    expect((await verifySso(s, connector.id, verificationId, params)).status).toBe(200);
    expect(await s.call('POST', '/api/experience/identification', { verificationId })).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect((await s.call('PUT', '/api/experience/interaction-event', { interactionEvent: 'Register' })).status).toBe(204);
    expect((await s.call('POST', '/api/experience/identification', { verificationId })).status).toBe(201);
    const sub = await signedInSub(s);
    expect(await suite.admin('GET', `/api/users/${sub}`)).toMatchObject({ primaryEmail: `new@${d}`, name: 'New Person' });
  });

  it('never links by an email the IdP did not verify; AzureAdOidc with trustUnverifiedEmail does', async () => {
    const d = domain();
    const email = `unverified@${d}`;
    const user = await suite.newUser({ primaryEmail: email });
    const account = idp.addAccount({ email, email_verified: false });
    const plain = await oidcConnector(suite, idp, d);
    const s = await suite.session('SignIn');
    const first = await oidcCallback(s, idp, plain.id, account.sub);
    expect((await verifySso(s, plain.id, first.verificationId, first.params)).status).toBe(200);
    expect(await s.call('POST', '/api/experience/identification', { verificationId: first.verificationId })).toMatchObject({
      status: 404,
      body: { code: 'user.identity_not_exist' },
    });
    await suite.admin('DELETE', `/api/sso-connectors/${plain.id}`);
    const azure = await oidcConnector(suite, idp, d, { providerName: 'AzureAdOidc', config: { trustUnverifiedEmail: true } });
    const t = await suite.session('SignIn');
    const second = await oidcCallback(t, idp, azure.id, account.sub);
    expect((await verifySso(t, azure.id, second.verificationId, second.params)).status).toBe(200);
    expect((await t.call('POST', '/api/experience/identification', { verificationId: second.verificationId })).status).toBe(204);
    expect(await signedInSub(t)).toBe(user.id);
  });
});

describe('which user an SSO identity links to', () => {
  it('links by a verified email only within the connector’s own domains', async () => {
    const d = domain();
    const elsewhere = await suite.newUser({ primaryEmail: `admin@other-${d}` });
    const inside = await suite.newUser({ primaryEmail: `staff@${d}` });
    const connector = await oidcConnector(suite, idp, d);
    const outsider = idp.addAccount({ email: `admin@other-${d}`, email_verified: true });
    const s = await suite.session('SignIn');
    const first = await oidcCallback(s, idp, connector.id, outsider.sub);
    expect((await verifySso(s, connector.id, first.verificationId, first.params)).status).toBe(200);
    expect(await s.call('POST', '/api/experience/identification', { verificationId: first.verificationId })).toMatchObject({ status: 404, body: { code: 'user.identity_not_exist' } });
    expect((await suite.admin('GET', `/api/users/${elsewhere.id}?includeSsoIdentities=true`)).ssoIdentities).toEqual([]);
    // the control: an email of the connector's domain links its user
    const staff = idp.addAccount({ email: `staff@${d}`, email_verified: true });
    const t = await suite.session('SignIn');
    const second = await oidcCallback(t, idp, connector.id, staff.sub);
    expect((await verifySso(t, connector.id, second.verificationId, second.params)).status).toBe(200);
    expect((await t.call('POST', '/api/experience/identification', { verificationId: second.verificationId })).status).toBe(204);
    expect(await signedInSub(t)).toBe(inside.id);
  });
});

describe('refused OIDC callbacks (each beside the same callback accepted)', () => {
  const refused = { status: 500, body: { code: 'connector.authorization_failed' } };

  async function callback() {
    const connector = await oidcConnector(suite, idp, domain());
    const account = idp.addAccount({ email: `x@${domain()}`, email_verified: true });
    const s = await suite.session('SignIn');
    return { connector, s, ...(await oidcCallback(s, idp, connector.id, account.sub)) };
  }

  it('accepts the callback as the IdP sent it (the control), once', async () => {
    const { connector, s, verificationId, params } = await callback();
    expect((await verifySso(s, connector.id, verificationId, params)).status).toBe(200);
    expect(await verifySso(s, connector.id, verificationId, params)).toMatchObject({ status: 400, body: { code: 'session.connector_validation_session_not_found' } });
  });

  it('refuses a wrong state', async () => {
    const { connector, s, verificationId, params } = await callback();
    expect(await verifySso(s, connector.id, verificationId, { ...params, state: 'forged' })).toMatchObject(refused);
  });

  it.each([
    ['aud', { aud: 'someone-else' }],
    ['iss', { iss: 'https://evil.example' }],
    ['nonce', { nonce: 'forged-nonce' }],
    ['expiry', { expired: true }],
    ['signing key', { foreignKey: true }],
  ])('refuses an ID token with a wrong %s', async (_name, how) => {
    const { connector, s, verificationId, params } = await callback();
    idp.misbehave(how);
    const answer = await verifySso(s, connector.id, verificationId, params);
    expect(answer).toMatchObject(refused);
    expect(answer.body.data.message).not.toContain(params.code);
  });

  it('answers 400 connector.unexpected_type at the SAML assertion consumer route', async () => {
    const connector = await oidcConnector(suite, idp, domain());
    expect(await postToAcs(suite.t.url, connector.id, 'PHg+PC94Pg==', 'a.b')).toMatchObject({ status: 400, body: { code: 'connector.unexpected_type' } });
  });

  it('answers 500 connector.invalid_config when the IdP cannot be reached (E11 and E12), 200 while it can', async () => {
    const down = await startOidcIdp();
    let closed = false;
    try {
      const connector = await oidcConnector(suite, down, domain());
      const account = down.addAccount({ email: `d@${domain()}`, email_verified: true });
      const s = await suite.session('SignIn');
      const { verificationId, params } = await oidcCallback(s, down, connector.id, account.sub);
      await down.close();
      closed = true;
      expect(await verifySso(s, connector.id, verificationId, params)).toMatchObject({ status: 500, body: { code: 'connector.invalid_config' } });
      expect(await s.call('POST', `/api/experience/verification/sso/${connector.id}/authorization-uri`, { state: 's', redirectUri: 'https://app.example.test/cb' })).toMatchObject({
        status: 500,
        body: { code: 'connector.invalid_config' },
      });
    } finally {
      if (!closed) await down.close();
    }
  });

  it('sends every request to the IdP (discovery, token, keys) through the egress module, with a deadline and a size cap', async () => {
    const connector = await oidcConnector(suite, idp, domain());
    const account = idp.addAccount({ email: `eg@${domain()}`, email_verified: true });
    const seen: { path: string; timeoutMs?: number; maxBytes?: number }[] = [];
    const original = suite.t.egress.fetch;
    suite.t.egress.fetch = (url, init) => {
      if (String(url).startsWith(idp.issuer)) seen.push({ path: new URL(url).pathname, timeoutMs: init?.timeoutMs, maxBytes: init?.maxBytes });
      return original(url, init);
    };
    try {
      const s = await suite.session('SignIn');
      const { verificationId, params } = await oidcCallback(s, idp, connector.id, account.sub);
      expect((await verifySso(s, connector.id, verificationId, params)).status).toBe(200);
    } finally {
      suite.t.egress.fetch = original;
    }
    expect(new Set(seen.map((r) => r.path))).toEqual(new Set(['/.well-known/openid-configuration', '/token', '/jwks']));
    for (const request of seen) expect(request).toMatchObject({ timeoutMs: expect.any(Number), maxBytes: expect.any(Number) });
  });
});
