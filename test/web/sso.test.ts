// Enterprise single sign-on on the sign-in page in Chromium: an email of a domain with an SSO connector,
// typed on the sign-in screen or on the "single sign-on" screen, takes the browser to the company's IdP
// on loopback and back to /callback/sso/:id, and the person ends at the application with a code
// openid-client exchanges — over OpenID Connect (oidc-idp.ts, auto-approving) and over SAML (a loopback
// IdP page whose form posts the signed response to Verity's ACS URL, as an IdP's HTTP-POST binding does).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { certBody, readAuthnRequest, SAML_KEYS } from '../helpers/saml-idp.ts';
import { idpAnswer, SAML_IDP_ENTITY_ID } from '../helpers/sso-flow.ts';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

describe.skipIf(!CHROMIUM)(`sign-in page: enterprise single sign-on${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();
  let idp: OidcIdp;
  let samlIdp: TestServer;
  /** Who the SAML IdP signs in (its page asks nothing; the person only presses Continue). */
  let samlUser = { nameId: '', email: '' };
  const origin = () => new URL(s.t.url).origin;
  const domain = () => `corp-${s.unique()}.example.org`;

  /** An OIDC SSO connector for `d` whose IdP client knows the page's callback URL (named by the id). */
  async function oidcConnector(d: string): Promise<string> {
    const placeholder = idp.addClient({ redirectUris: ['http://127.0.0.1/unused'] });
    const { id } = await s.admin('POST', '/api/sso-connectors', {
      providerName: 'OIDC',
      connectorName: `oidc-${s.unique()}`,
      config: { ...placeholder, issuer: idp.issuer },
      domains: [d],
    });
    const client = idp.addClient({ redirectUris: [`${origin()}/callback/sso/${id}`] });
    await s.admin('PATCH', `/api/sso-connectors/${id}`, { config: { ...client, issuer: idp.issuer } });
    return id;
  }

  beforeAll(async () => {
    idp = await startOidcIdp();
    samlIdp = await startHttpServer((req, res) => {
      if (!req.url.startsWith('/sso?')) return void res.writeHead(404).end(); // e.g. the browser's /favicon.ico
      const request = readAuthnRequest(new URL(req.url, 'http://idp').href);
      const response = idpAnswer(request, samlUser);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><title>Company IdP</title><h1>Company IdP</h1>` +
          `<form method="post" action="${escape(request.acsUrl)}">` +
          `<input type="hidden" name="SAMLResponse" value="${escape(response)}">` +
          `<input type="hidden" name="RelayState" value="${escape(request.relayState)}">` +
          `<button type="submit">Continue as ${escape(samlUser.email)}</button></form></html>`,
      );
    });
  });
  afterAll(async () => {
    await idp?.close();
    await samlIdp?.close();
  });
  beforeEach(() => s.settings({ singleSignOnEnabled: true }));

  it('takes an email of an SSO domain typed on the sign-in screen through the IdP, and signs its user in', async () => {
    const d = domain();
    await oidcConnector(d);
    const email = `lin@${d}`;
    const user = await s.newUser({ primaryEmail: email });
    idp.autoApprove(idp.addAccount({ email, email_verified: true }).sub);
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('offers single sign-on by work email, says when a domain has none, and creates a new person just in time', async () => {
    const d = domain();
    await oidcConnector(d);
    const email = `new@${d}`;
    idp.autoApprove(idp.addAccount({ email, email_verified: true, name: 'New Colleague' }).sub);
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('button', { name: 'Sign in with single sign-on' }).waitFor();
    await checkScreen(page, 'sso-sign-in');
    await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
    await page.getByRole('heading', { name: 'Single sign-on' }).waitFor();
    await checkScreen(page, 'sso-email');
    await page.getByLabel('Work email').fill(`someone@elsewhere-${s.unique()}.example.org`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('There is no single sign-on for this email domain.');
    await checkScreen(page, 'sso-email-no-connector');
    await page.getByLabel('Work email').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    const claims = await s.tokensAt(page, request);
    expect(await s.admin('GET', `/api/users/${String(claims.sub)}`)).toMatchObject({ primaryEmail: email, name: 'New Colleague' });
  });

  it('signs a person in over SAML: the IdP posts to the ACS URL, which sends the browser back to the page', async () => {
    const d = domain();
    const { id } = await s.admin('POST', '/api/sso-connectors', {
      providerName: 'SAML',
      connectorName: `saml-${s.unique()}`,
      config: { entityId: SAML_IDP_ENTITY_ID, signInEndpoint: `${samlIdp.url}/sso`, x509Certificate: certBody(SAML_KEYS.idp.cert) },
      domains: [d],
    });
    samlUser = { nameId: `saml-${s.unique()}`, email: `sam@${d}` };
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(samlUser.email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: `Continue as ${samlUser.email}` }).click();
    const claims = await s.tokensAt(page, request);
    const user = await s.admin('GET', `/api/users/${String(claims.sub)}?includeSsoIdentities=true`);
    expect(user).toMatchObject({ primaryEmail: samlUser.email, ssoIdentities: [expect.objectContaining({ ssoConnectorId: id, identityId: samlUser.nameId })] });
  });

  it('refuses, in words, an SSO callback this tab did not start', async () => {
    const page = await s.newPage();
    await s.authorize(page);
    await page.goto(`${s.t.url}/callback/sso/${await oidcConnector(domain())}?code=forged&state=forged`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('it was not started from this page');
    await checkScreen(page, 'sso-callback-refused');
  });
});

if (!CHROMIUM) console.warn(`SSO sign-in page suite skipped: ${NO_CHROMIUM}`);
