// Owns SAML 2.0 for enterprise SSO sign-in (SP-initiated, HTTP-Redirect AuthnRequest, HTTP-POST
// response), on @node-saml/node-saml. A response is refused before any parsing when it holds a DOCTYPE
// or any other declaration (sso-connectors/xml.ts, the reader that already refuses them for metadata);
// node-saml then requires the assertion signed by the IdP's certificate (wantAssertionsSigned; a
// response with more than one assertion is refused, which defeats signature wrapping), checks the
// audience (our SP entity id), NotBefore/NotOnOrAfter within the configured clock skew, and that
// InResponseTo names the one AuthnRequest this record sent (its cache knows that id only). Here,
// on the signed assertion: every SubjectConfirmationData Recipient and the Response's Destination must
// be our ACS URL, its Issuer the IdP's entity id, and the assertion must say when it expires (the replay table keeps its id until then).
// Throws SamlRefusal, whose message names the cause only.
import { SAML, ValidateInResponseTo, type CacheProvider, type Profile } from '@node-saml/node-saml';
import type { SamlIdpMetadata } from '../sso-connectors/saml-metadata.ts';
import { descendants, parseXml, XmlError, type XmlElement } from '../sso-connectors/xml.ts';
import type { SsoUserInfo } from '../verification/enterprise-sso.ts';

export class SamlRefusal extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SamlRefusal';
  }
}

/** What the IdP knows Verity by, for one connector (register these at the IdP). */
export interface ServiceProvider {
  entityId: string;
  acsUrl: string;
}

/** The assertion consumer route (Logto's path) and the SP entity id of a connector. */
export const ACS_PATH = '/api/authn/single-sign-on/saml/:connectorId';
export const serviceProviderOf = (publicUrl: string, connectorId: string): ServiceProvider => ({
  entityId: `${publicUrl}/enterprise-sso/${connectorId}`,
  acsUrl: `${publicUrl}${ACS_PATH.replace(':connectorId', connectorId)}`,
});

/** Which IdP attribute holds what (the connector's attributeMapping; the NameID is the id by default). */
export interface AttributeMapping {
  id?: string;
  email?: string;
  name?: string;
}

/** node-saml's InResponseTo cache, knowing exactly one request id: the one this record sent (its age
 *  is the record's business: the record lives as long as the interaction). */
function oneRequest(requestId: string | null): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (requestId !== null && key === requestId ? new Date().toISOString() : null),
    removeAsync: async () => null,
  };
}

function samlOf(idp: SamlIdpMetadata, sp: ServiceProvider, skewSeconds: number, requestId: string | null, newId?: () => string): SAML {
  return new SAML({
    entryPoint: idp.signInEndpoint,
    idpIssuer: idp.entityId,
    idpCert: idp.x509Certificate,
    issuer: sp.entityId,
    audience: sp.entityId,
    callbackUrl: sp.acsUrl,
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: skewSeconds * 1000,
    validateInResponseTo: ValidateInResponseTo.always,
    cacheProvider: oneRequest(requestId),
    disableRequestedAuthnContext: true,
    identifierFormat: null,
    ...(newId ? { generateUniqueId: newId } : {}),
  });
}

/** The IdP URL the browser goes to with a new AuthnRequest, and that request's id. */
export async function samlAuthorization(idp: SamlIdpMetadata, sp: ServiceProvider, relayState: string, requestId: string): Promise<string> {
  return samlOf(idp, sp, 0, null, () => requestId).getAuthorizeUrlAsync(relayState, undefined, {});
}

export interface AcceptedAssertion {
  /** The assertion's ID, for the replay table. */
  assertionId: string;
  /** When its ID may be forgotten: its latest NotOnOrAfter plus the skew. */
  expiresAt: Date;
  issuer: string;
  userInfo: SsoUserInfo;
}

const EMAIL_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress';
const NAME_CLAIM = 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name';

/** Refuses DOCTYPE and other declarations before anything else reads the document. */
function parseGuarded(xml: string): XmlElement {
  try {
    return parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw new SamlRefusal(`malformed or refused XML: ${error.message}`);
    throw error;
  }
}

const textOf = (value: unknown): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' && first.trim() ? first.trim() : undefined;
};

function userInfoOf(profile: Profile, mapping: AttributeMapping): SsoUserInfo {
  const attribute = (name: string | undefined) => (name === undefined ? undefined : textOf((profile.attributes as Record<string, unknown> | undefined)?.[name] ?? profile[name]));
  const id = mapping.id ? attribute(mapping.id) : textOf(profile.nameID);
  if (!id) throw new SamlRefusal('the assertion names no subject');
  const email = mapping.email ? attribute(mapping.email) : (textOf(profile.email) ?? attribute(EMAIL_CLAIM));
  const name = mapping.name ? attribute(mapping.name) : (attribute('name') ?? attribute(NAME_CLAIM));
  return { id, ...(email ? { email } : {}), ...(name ? { name } : {}) };
}

/** The latest time the signed assertion allows, which must be given. */
function expiryOf(assertion: XmlElement, skewSeconds: number): Date {
  const times = [...descendants(assertion, 'Conditions'), ...descendants(assertion, 'SubjectConfirmationData')]
    .map((e) => e.attributes.get('NotOnOrAfter'))
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t))
    .filter((t) => !Number.isNaN(t));
  if (times.length === 0) throw new SamlRefusal('the assertion has no NotOnOrAfter');
  return new Date(Math.max(...times) + skewSeconds * 1000);
}

/**
 * Validates a POSTed SAMLResponse for the AuthnRequest `requestId` of this SP. Throws SamlRefusal.
 */
export async function acceptSamlResponse(
  samlResponse: string,
  options: { idp: SamlIdpMetadata; sp: ServiceProvider; requestId: string; skewSeconds: number; mapping: AttributeMapping },
): Promise<AcceptedAssertion> {
  const response = parseGuarded(Buffer.from(samlResponse, 'base64').toString('utf8'));
  if (response.name !== 'Response') throw new SamlRefusal('not a SAML Response');
  const destination = response.attributes.get('Destination');
  if (destination !== undefined && destination !== options.sp.acsUrl) throw new SamlRefusal('the response is for another destination');
  let profile: Profile | null;
  try {
    ({ profile } = await samlOf(options.idp, options.sp, options.skewSeconds, options.requestId).validatePostResponseAsync({ SAMLResponse: samlResponse }));
  } catch (error) {
    throw new SamlRefusal(`the response is not valid: ${(error as Error).message}`, { cause: error });
  }
  if (!profile) throw new SamlRefusal('the response holds no assertion');
  // The signed assertion as node-saml verified it: what every further check reads.
  const signed = profile.getAssertionXml?.();
  if (!signed) throw new SamlRefusal('the response holds no assertion');
  const assertion = parseGuarded(signed);
  const issuer = descendants(assertion, 'Issuer')[0]?.text.trim();
  if (issuer !== options.idp.entityId) throw new SamlRefusal('the assertion is from another issuer');
  const confirmations = descendants(assertion, 'SubjectConfirmationData');
  if (confirmations.length === 0 || confirmations.some((c) => c.attributes.get('Recipient') !== options.sp.acsUrl))
    throw new SamlRefusal('the assertion is for another recipient');
  const assertionId = assertion.attributes.get('ID');
  if (!assertionId) throw new SamlRefusal('the assertion has no ID');
  return {
    assertionId,
    expiresAt: expiryOf(assertion, options.skewSeconds),
    issuer: options.idp.entityId,
    userInfo: userInfoOf(profile, options.mapping),
  };
}
