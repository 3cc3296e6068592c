// Social sign-in on the sign-in page in Chromium: a person clicks "Continue with …", the browser goes
// to a loopback OpenID Connect IdP (oidc-idp.ts, auto-approving the chosen account), comes back to
// /callback/social/:id, and ends at the application with a code openid-client exchanges — as a new
// person (registered) and as one whose email an account already has (linked to it on request). A
// callback this tab did not start is refused in words.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { startOidcIdp, type OidcIdp } from '../helpers/oidc-idp.ts';
import { createSocialConnector, found, socialConnectorsOf } from '../helpers/social.ts';

const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 20"><circle cx="10" cy="10" r="9" fill="#2a7"/></svg>')}`;
const NAME = 'Loopback ID';

describe.skipIf(!CHROMIUM)(`sign-in page: social sign-in${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();
  let idp: OidcIdp;
  let connectorId: string;
  let target: string;

  beforeAll(async () => {
    idp = await startOidcIdp();
    // The IdP must know the callback URL, which names the connector: create, then give it its client.
    const placeholder = idp.addClient({ redirectUris: ['http://127.0.0.1/unused'] });
    const base = { scope: 'profile email phone', issuer: idp.issuer };
    const created = await createSocialConnector(s.t, s.token, 'oidc', { ...base, ...placeholder }, { target: `loopback-${s.unique()}`, name: { en: NAME }, logo: LOGO });
    connectorId = created.id;
    const client = idp.addClient({ redirectUris: [`${new URL(s.t.url).origin}/callback/social/${connectorId}`] });
    await s.admin('PATCH', `/api/connectors/${connectorId}`, { config: { ...base, ...client } });
    target = (await found(socialConnectorsOf(s.t), connectorId)).target;
  });
  afterAll(() => idp?.close());
  beforeEach(() => s.settings({ socialSignInConnectorTargets: [target], signUp: { identifiers: [], password: false, verify: false } }));

  it('registers a new person through the provider and returns them to the application', async () => {
    const email = `new.${s.unique()}@idp.test`;
    idp.autoApprove(idp.addAccount({ email, email_verified: true, name: 'New Person' }).sub);
    const page = await s.newPage();
    const request = await s.authorize(page);
    const button = page.getByRole('button', { name: `Continue with ${NAME}` });
    await button.waitFor();
    await checkScreen(page, 'social-sign-in');
    await button.click();
    const claims = await s.tokensAt(page, request);
    expect(await s.admin('GET', `/api/users/${String(claims.sub)}`)).toMatchObject({ primaryEmail: email, name: 'New Person' });
  });

  it('links the provider to the account that has its email when the person asks, and signs that account in', async () => {
    const email = `known.${s.unique()}@idp.test`;
    const user = await s.newUser({ primaryEmail: email });
    idp.autoApprove(idp.addAccount({ email, email_verified: true }).sub);
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('button', { name: `Continue with ${NAME}` }).click();
    await page.getByRole('heading', { name: 'You already have an account' }).waitFor();
    expect(page.url()).not.toContain('code=');
    await checkScreen(page, 'social-link');
    const link = page.getByRole('button', { name: /^Link to the existing account k•+@idp\.test$/ });
    await link.click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
    const read = await s.admin('GET', `/api/users/${user.id}`);
    expect(Object.keys(read.identities ?? {})).toContain(target);
  });

  it('creates a new account instead when the person asks, leaving the existing one apart', async () => {
    const email = `other.${s.unique()}@idp.test`;
    const user = await s.newUser({ primaryEmail: email });
    idp.autoApprove(idp.addAccount({ email, email_verified: true }).sub);
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('button', { name: `Continue with ${NAME}` }).click();
    await page.getByRole('button', { name: 'Create a new account' }).click();
    const claims = await s.tokensAt(page, request);
    expect(claims.sub).not.toBe(user.id);
    expect((await s.admin('GET', `/api/users/${user.id}`)).identities ?? {}).not.toHaveProperty(target);
  });

  it('says in words that an email of a single-sign-on domain must sign in with single sign-on', async () => {
    const d = `corp-${s.unique()}.example.org`;
    await s.settings({ singleSignOnEnabled: true });
    await s.admin('POST', '/api/sso-connectors', { providerName: 'OIDC', connectorName: `sso-${s.unique()}`, config: { ...idp.addClient({ redirectUris: ['http://127.0.0.1/unused'] }), issuer: idp.issuer }, domains: [d] });
    idp.autoApprove(idp.addAccount({ email: `pat@${d}`, email_verified: true }).sub);
    const page = await s.newPage();
    await s.authorize(page);
    await page.getByRole('button', { name: `Continue with ${NAME}` }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Your organization signs you in with single sign-on.');
    await checkScreen(page, 'social-callback-sso-enabled');
  });

  it('refuses, in words, a callback this tab did not start, and leads back to sign-in', async () => {
    const page = await s.newPage();
    await s.authorize(page);
    await page.goto(`${s.t.url}/callback/social/${connectorId}?code=forged&state=forged`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('it was not started from this page');
    await checkScreen(page, 'social-callback-refused');
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  });
});

if (!CHROMIUM) console.warn(`social sign-in page suite skipped: ${NO_CHROMIUM}`);
