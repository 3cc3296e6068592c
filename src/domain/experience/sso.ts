// Use cases E5 (GET /api/experience/sso-connectors: the usable SSO connectors of an email's domain),
// E11 (…/verification/sso/{connectorId}/authorization-uri: a new EnterpriseSso record holding the SSO
// session, and the IdP URL to send the browser to) and E12 (…/sso/{connectorId}/verify: the session
// used once; the record then holds the IdP's verified user). OIDC answers come back in E12's
// connectorData; a SAML response reaches the assertion consumer route first (sso-acs.ts).
// Throws LogtoError connector.not_found (404), session.verification_session_not_found (404),
// session.connector_validation_session_not_found (400), connector.authorization_failed (500),
// connector.invalid_config / connector.invalid_metadata (500: the IdP cannot be used),
// session.interaction_not_found (404).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { allClientOrigins } from '../../oidc/clients.ts';
import { randomString } from '../../crypto/keyring.ts';
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { idpOptions, ssoConnectorsOfEmail, usableSsoConnector, type SsoDeps, type UsableSsoConnector } from '../sso/connector.ts';
import { oidcAuthorization, oidcCallback, oidcClient, OidcRefusal } from '../sso/oidc.ts';
import { samlAuthorization, serviceProviderOf } from '../sso/saml.ts';
import { IdpError } from '../sso-connectors/idp-http.ts';
import { resolveSamlIdp, type SamlIdpMetadata, type SamlSource } from '../sso-connectors/saml-metadata.ts';
import type { EnterpriseSsoRecord, SsoSession, SsoUserInfo } from '../verification/enterprise-sso.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById } from './state.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

/** E5: none when single sign-on is off. */
export async function findSsoConnectorIds(deps: ExperienceDeps, email: string): Promise<{ connectorIds: string[] }> {
  const { singleSignOnEnabled } = await getSignInExperience(deps.db);
  if (!singleSignOnEnabled) return { connectorIds: [] };
  return { connectorIds: (await ssoConnectorsOfEmail(deps, email)).map((c) => c.id) };
}

/** The connector's IdP failure as the API answers it: 500 with the provider's config code. */
const unusableIdp = (connector: UsableSsoConnector, error: Error) => new LogtoError(connector.provider.idpFailure, { message: error.message }, 500);

/** The SAML IdP of a connector (its metadata read through the egress module). Throws the 500 above. */
export async function samlIdpOf(deps: Pick<SsoDeps, 'egress'>, connector: UsableSsoConnector): Promise<SamlIdpMetadata> {
  try {
    return await resolveSamlIdp(connector.config as SamlSource, idpOptions(deps));
  } catch (error) {
    if (error instanceof IdpError) throw unusableIdp(connector, error);
    throw error;
  }
}

async function oidcIdpOf(deps: ExperienceDeps, connector: UsableSsoConnector) {
  try {
    return await oidcClient(connector.config, idpOptions(deps), deps.sso.clockSkewSeconds);
  } catch (error) {
    if (error instanceof OidcRefusal) throw unusableIdp(connector, error);
    throw error;
  }
}

/** The RelayState a SAML IdP hands back to the assertion consumer route: the interaction and the
 *  record's unguessable token (sso-acs.ts finds the record by both). */
export const relayStateOf = (uid: string, relayToken: string) => `${uid}.${relayToken}`;

/** E11. */
export async function createSsoAuthorization(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  input: { state: string; redirectUri: string },
): Promise<{ authorizationUri: string; verificationId: string }> {
  let authorizationUri = '';
  const { verificationId } = await attempt(deps, context, { method: 'EnterpriseSso', action: 'Create' }, async (): Promise<EnterpriseSsoRecord> => {
    const connector = await usableSsoConnector(deps, connectorId);
    let session: SsoSession;
    if (connector.provider.providerType === 'saml') {
      await assertTrustedRedirect(deps, input.redirectUri);
      const idp = await samlIdpOf(deps, connector);
      const requestId = `_${randomString(32)}`;
      const relayToken = randomBytes(32).toString('base64url');
      const sp = serviceProviderOf(deps.sso.publicUrl, connector.id);
      authorizationUri = await samlAuthorization(idp, sp, relayStateOf(context.uid, relayToken), requestId);
      session = { protocol: 'saml', state: input.state, redirectUri: input.redirectUri, requestId, relayToken };
    } else {
      const idp = await oidcIdpOf(deps, connector);
      const request = await oidcAuthorization(idp, connector.config, input.redirectUri, input.state);
      authorizationUri = request.url;
      session = { protocol: 'oidc', state: input.state, redirectUri: input.redirectUri, sealedVerifier: deps.keyring.encrypt(request.codeVerifier), nonce: request.nonce };
    }
    return { id: newRecordId(), type: 'EnterpriseSso', connectorId: connector.id, verified: false, session };
  });
  return { authorizationUri, verificationId };
}

const sessionGone = () => new LogtoError('session.connector_validation_session_not_found');

/**
 * SAML: Verity itself sends the browser to the redirect URI (the assertion consumer route, with the
 * one-time code E12 needs), so it must be on an origin Verity trusts: its own public URL's, or one an
 * application allows (its redirect URIs' origins and corsAllowedOrigins). Otherwise anyone could start
 * a sign-in that delivers a lured user's assertion, and its code, to a page of their own. (An OIDC
 * IdP enforces the redirect URIs registered with it.) Throws guard.invalid_input.
 */
async function assertTrustedRedirect(deps: ExperienceDeps, redirectUri: string): Promise<void> {
  const origin = new URL(redirectUri).origin;
  if (origin === new URL(deps.sso.publicUrl).origin || (await allClientOrigins(deps.db)).has(origin)) return;
  throw new LogtoError('guard.invalid_input', { redirectUri: 'not on an origin of this server or of an application' });
}

/** Whether `code` is the one the assertion consumer route sent the browser back with (sso-acs.ts). */
function samlCodeMatches(codeDigest: string, code: unknown): boolean {
  if (typeof code !== 'string' || !code) return false;
  const given = createHash('sha256').update(code).digest();
  const kept = Buffer.from(codeDigest, 'base64url');
  return kept.length === given.length && timingSafeEqual(kept, given);
}
const refused = (message: string) => new LogtoError('connector.authorization_failed', { message });

/** E12. */
export function verifySso(
  deps: ExperienceDeps,
  context: InteractionContext,
  connectorId: string,
  verificationId: string,
  connectorData: Record<string, unknown>,
): Promise<{ verificationId: string }> {
  let used: SsoSession | undefined;
  // The session is used once: the verified record is stored only while the record still holds it.
  const unchanged = (stored: EnterpriseSsoRecord) => {
    if (JSON.stringify(stored.session) !== JSON.stringify(used)) throw sessionGone();
  };
  return attempt(deps, context, { method: 'EnterpriseSso', action: 'Submit', completes: verificationId, unchanged }, async (state) => {
    const record = recordById(state, verificationId, 'EnterpriseSso');
    if (record.connectorId !== connectorId) throw new LogtoError('session.verification_session_not_found');
    const connector = await usableSsoConnector(deps, connectorId);
    const session = record.session;
    if (!session) throw sessionGone();
    used = session;
    let verified: { issuer: string; userInfo: SsoUserInfo };
    if (session.protocol === 'saml') {
      if (connector.provider.providerType !== 'saml') throw sessionGone();
      if (!session.assertion) throw refused('no SAML response has been accepted for this session');
      if (!samlCodeMatches(session.assertion.codeDigest, connectorData.code)) throw refused('the code of the SAML response is missing or wrong');
      verified = session.assertion;
    } else {
      if (connector.provider.providerType !== 'oidc') throw sessionGone();
      const idp = await oidcIdpOf(deps, connector);
      const expected = { redirectUri: session.redirectUri, state: session.state, nonce: session.nonce, codeVerifier: deps.keyring.decrypt(session.sealedVerifier) };
      try {
        verified = await oidcCallback(idp, connector.config, expected, connectorData);
      } catch (error) {
        if (error instanceof OidcRefusal) throw refused(error.message);
        throw error;
      }
    }
    const { session: _used, ...rest } = record;
    return { ...rest, verified: true, issuer: verified.issuer, userInfo: verified.userInfo };
  });
}
