// Enterprise SSO over SAML 2.0 (experience-api.md E11, E12, E3; the assertion consumer route): a
// SAML IdP built in the test signs assertions with a test key; the sign-in page's steps go through
// the Experience API with the interaction's cookies, the IdP's form post reaches the ACS URL without
// them. Every refused response has its positive control: the same flow with a valid response passes.
import * as client from 'openid-client';
import { beforeEach, describe, expect, it } from 'vitest';
import { useExperienceSuite } from '../helpers/experience-suite.ts';
import { idpAnswer, postToAcs, REDIRECT_URI, samlConnector, samlVerified, startSso } from '../helpers/sso-flow.ts';

const suite = useExperienceSuite();
beforeEach(() => suite.settings({ singleSignOnEnabled: true }));

const domain = () => `saml-${suite.unique()}.example.org`;

async function signedInSub(s: Awaited<ReturnType<typeof suite.session>>) {
  const submitted = await s.call('POST', '/api/experience/submit');
  expect(submitted.status).toBe(200);
  const tokens = await s.finish(submitted.body.redirectTo);
  return (await client.fetchUserInfo(s.config, tokens.access_token, client.skipSubjectCheck)).sub;
}

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
  });

  it('sends the browser back to the redirect URI with its state', async () => {
    const connector = await samlConnector(suite, domain());
    const s = await suite.session('SignIn');
    const started = await startSso(s, connector.id, 'my-state');
    expect(started.status).toBe(200);
    const acs = await postToAcs(suite.t.url, connector.id, idpAnswer(started.request!, { nameId: 'x' }), started.request!.relayState);
    expect(acs.status).toBe(302);
    expect(acs.location).toBe(`${REDIRECT_URI}?state=my-state`);
  });
});
