// Enterprise SSO sign-in as a sign-in page and an IdP drive it: SSO connectors made through the
// Management API, E11 → the IdP → (SAML: the IdP's form post to the ACS URL, from a browser that sends
// no cookies of ours, as a cross-site post) → E12, and the IdP-side steps of an OIDC sign-in.
import * as client from 'openid-client';
import type { ExperienceSession } from './experience.ts';
import type { ExperienceSuite } from './experience-suite.ts';
import type { OidcIdp } from './oidc-idp.ts';
import { certBody, readAuthnRequest, SAML_KEYS, samlResponse, type AssertionOptions, type SamlRequest } from './saml-idp.ts';

export const SAML_IDP_ENTITY_ID = 'https://idp.saml.test/metadata';
export const REDIRECT_URI = 'https://app.example.test/sso/callback';

const trusting = new WeakSet<ExperienceSuite>();

/** An application whose redirect URI is on REDIRECT_URI's origin, once per suite: a SAML sign-in
 *  goes back only to an origin Verity trusts (E11). */
async function trustRedirectOrigin(suite: ExperienceSuite): Promise<void> {
  if (trusting.has(suite)) return;
  trusting.add(suite);
  await suite.admin('POST', '/api/applications', {
    name: 'the sign-in page',
    type: 'SPA',
    oidcClientMetadata: { redirectUris: [REDIRECT_URI], postLogoutRedirectUris: [] },
  });
}

/** A SAML connector trusting the test IdP's key for `domain`. */
export async function samlConnector(suite: ExperienceSuite, domain: string, extra: Record<string, unknown> = {}): Promise<{ id: string }> {
  await trustRedirectOrigin(suite);
  return suite.admin('POST', '/api/sso-connectors', {
    providerName: 'SAML',
    connectorName: `saml-${suite.unique()}`,
    config: { entityId: SAML_IDP_ENTITY_ID, signInEndpoint: 'https://idp.saml.test/sso', x509Certificate: certBody(SAML_KEYS.idp.cert) },
    domains: [domain],
    ...extra,
  });
}

/** E11: {status, body, request (the SAML IdP's reading of the AuthnRequest, when there is one)}. */
export async function startSso(s: ExperienceSession, connectorId: string, state = 'st-1') {
  const started = await s.call('POST', `/api/experience/verification/sso/${connectorId}/authorization-uri`, { state, redirectUri: REDIRECT_URI });
  const saml = started.status === 200 && new URL(started.body.authorizationUri).searchParams.has('SAMLRequest');
  return { ...started, request: saml ? readAuthnRequest(started.body.authorizationUri) : undefined };
}

/** The query parameters of the page the ACS URL sent the browser back to (state and the one-time code
 *  E12 needs), as a sign-in page passes them on as connectorData. */
export const returnedTo = (location: string | null): Record<string, string> => (location ? Object.fromEntries(new URL(location).searchParams) : {});

/** The IdP's form post to the ACS URL: {status, location, body}. */
export async function postToAcs(url: string, connectorId: string, SAMLResponse: string, RelayState: string | undefined) {
  const form = new URLSearchParams({ SAMLResponse, ...(RelayState === undefined ? {} : { RelayState }) });
  const response = await fetch(`${url}/api/authn/single-sign-on/saml/${connectorId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    redirect: 'manual',
  });
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), body: text ? JSON.parse(text) : null };
}

/** What the test IdP answers for `request` (a valid signed response unless bent). */
export const idpAnswer = (request: SamlRequest, user: Omit<AssertionOptions, 'issuer' | 'request'>) =>
  samlResponse({ issuer: SAML_IDP_ENTITY_ID, request, ...user });

/** E11 → the IdP answers for `user` → ACS → E12: the verified record's id. Throws on any refusal. */
export async function samlVerified(
  suite: ExperienceSuite,
  s: ExperienceSession,
  connectorId: string,
  user: Omit<AssertionOptions, 'issuer' | 'request'>,
): Promise<string> {
  const started = await startSso(s, connectorId);
  if (started.status !== 200) throw new Error(`E11: ${started.status} ${JSON.stringify(started.body)}`);
  const acs = await postToAcs(suite.t.url, connectorId, idpAnswer(started.request!, user), started.request!.relayState);
  if (acs.status !== 302) throw new Error(`ACS: ${acs.status} ${JSON.stringify(acs.body)}`);
  const verified = await s.call('POST', `/api/experience/verification/sso/${connectorId}/verify`, {
    verificationId: started.body.verificationId,
    connectorData: returnedTo(acs.location),
  });
  if (verified.status !== 200) throw new Error(`E12: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verified.body.verificationId;
}

/** An OIDC-family connector (`providerName`) for `domain`, with a client registered at the test IdP. */
export async function oidcConnector(
  suite: ExperienceSuite,
  idp: OidcIdp,
  domain: string,
  options: { providerName?: 'OIDC' | 'Okta' | 'AzureAdOidc'; config?: Record<string, unknown>; syncProfile?: boolean } = {},
): Promise<{ id: string }> {
  const { clientId, clientSecret } = idp.addClient({ redirectUris: [REDIRECT_URI] });
  return suite.admin('POST', '/api/sso-connectors', {
    providerName: options.providerName ?? 'OIDC',
    connectorName: `oidc-${suite.unique()}`,
    config: { clientId, clientSecret, issuer: idp.issuer, ...options.config },
    domains: [domain],
    ...(options.syncProfile === undefined ? {} : { syncProfile: options.syncProfile }),
  });
}

/** E11 → the user signs in at the IdP as `sub` → the IdP's redirect parameters (and E11's answer). */
export async function oidcCallback(s: ExperienceSession, idp: OidcIdp, connectorId: string, sub: string) {
  const started = await startSso(s, connectorId);
  if (started.status !== 200) throw new Error(`E11: ${started.status} ${JSON.stringify(started.body)}`);
  const { params } = await idp.login(started.body.authorizationUri, sub);
  return { verificationId: started.body.verificationId as string, params };
}

/** E12 with the IdP's redirect parameters. */
export const verifySso = (s: ExperienceSession, connectorId: string, verificationId: string, connectorData: Record<string, string>) =>
  s.call('POST', `/api/experience/verification/sso/${connectorId}/verify`, { verificationId, connectorData });

/** E4, then the provider's redirect back to the client and the code exchange: the signed-in user's id. */
export async function signedInSub(s: ExperienceSession): Promise<string> {
  const submitted = await s.call('POST', '/api/experience/submit');
  if (submitted.status !== 200) throw new Error(`E4: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const tokens = await s.finish(submitted.body.redirectTo);
  return (await client.fetchUserInfo(s.config, tokens.access_token, client.skipSubjectCheck)).sub;
}
