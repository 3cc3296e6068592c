// Owns a SAML IdP's metadata: from a metadata URL, from inline metadata XML, or from the explicit
// {entityId, signInEndpoint, x509Certificate} form, reduced to what sign-in needs (SAML 2.0
// Metadata §2.3.2, §2.4.3). The signing certificate is checked to be a real X.509 certificate.
// Throws IdpError.
import { X509Certificate } from 'node:crypto';
import { fetchIdpDocument, IdpError, isHttpUrl, type IdpFetchOptions } from './idp-http.ts';
import { childrenNamed, descendants, parseXml, XmlError, type XmlElement } from './xml.ts';

/** Logto's providerConfig.identityProvider. */
export interface SamlIdpMetadata {
  entityId: string;
  signInEndpoint: string;
  x509Certificate: string;
  nameIdFormat?: string[];
}

export interface SamlSource {
  metadataUrl?: string;
  metadata?: string;
  entityId?: string;
  signInEndpoint?: string;
  x509Certificate?: string;
}

const BINDINGS = ['urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect', 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST'];
const ACCEPT = 'application/samlmetadata+xml, application/xml;q=0.9, text/xml;q=0.8';

/** The base64 DER body of a PEM or bare base64 certificate, whitespace removed. Throws IdpError. */
export function normalizeCertificate(value: string): string {
  const body = value.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  if (!body || !/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new IdpError('x509Certificate is not base64');
  try {
    new X509Certificate(Buffer.from(body, 'base64'));
  } catch {
    throw new IdpError('x509Certificate is not an X.509 certificate');
  }
  return body;
}

/** The EntityDescriptor that describes an IdP: the root, or the first such one in an EntitiesDescriptor. */
function idpEntity(root: XmlElement): { entity: XmlElement; idp: XmlElement } {
  const entities =
    root.name === 'EntityDescriptor' ? [root] : root.name === 'EntitiesDescriptor' ? descendants(root, 'EntityDescriptor') : [];
  if (entities.length === 0) throw new IdpError('SAML metadata: no EntityDescriptor');
  for (const entity of entities) {
    const idp = childrenNamed(entity, 'IDPSSODescriptor')[0];
    if (idp) return { entity, idp };
  }
  throw new IdpError('SAML metadata: no IDPSSODescriptor');
}

/** Redirect binding first (sign-in sends AuthnRequests by redirect), then POST, then any. */
function signInEndpointOf(idp: XmlElement): string {
  const services = childrenNamed(idp, 'SingleSignOnService');
  const rank = (s: XmlElement) => {
    const index = BINDINGS.indexOf(s.attributes.get('Binding') ?? '');
    return index < 0 ? BINDINGS.length : index;
  };
  const best = [...services].sort((a, b) => rank(a) - rank(b))[0];
  const location = best?.attributes.get('Location');
  if (!location || !isHttpUrl(location)) throw new IdpError('SAML metadata: no SingleSignOnService with an http(s) Location');
  return location;
}

/** The first certificate of a KeyDescriptor for signing (or for any use). */
function signingCertificateOf(idp: XmlElement): string {
  for (const key of childrenNamed(idp, 'KeyDescriptor')) {
    const use = key.attributes.get('use');
    if (use !== undefined && use !== 'signing') continue;
    const cert = descendants(key, 'X509Certificate')[0];
    if (!cert || !cert.text.trim()) continue;
    try {
      return normalizeCertificate(cert.text);
    } catch (error) {
      throw new IdpError(`SAML metadata: ${(error as Error).message}`);
    }
  }
  throw new IdpError('SAML metadata: no signing X509Certificate');
}

/** Reads IdP metadata XML. Throws IdpError naming what is missing or malformed. */
export function parseSamlMetadata(xml: string): SamlIdpMetadata {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (error) {
    if (error instanceof XmlError) throw new IdpError(`SAML metadata: ${error.message}`);
    throw error;
  }
  const { entity, idp } = idpEntity(root);
  const entityId = entity.attributes.get('entityID')?.trim();
  if (!entityId) throw new IdpError('SAML metadata: no entityID');
  const x509Certificate = signingCertificateOf(idp);
  const nameIdFormat = childrenNamed(idp, 'NameIDFormat')
    .map((e) => e.text.trim())
    .filter(Boolean);
  return { entityId, signInEndpoint: signInEndpointOf(idp), x509Certificate, ...(nameIdFormat.length ? { nameIdFormat } : {}) };
}

/** The IdP's metadata from whichever source the config gives, in Logto's order of precedence:
 *  metadataUrl, then metadata, then the explicit fields. Throws IdpError. */
export async function resolveSamlIdp(source: SamlSource, options: IdpFetchOptions): Promise<SamlIdpMetadata> {
  if (source.metadataUrl) return parseSamlMetadata(await fetchIdpDocument('SAML metadata', source.metadataUrl, ACCEPT, options));
  if (source.metadata) {
    if (Buffer.byteLength(source.metadata) > options.maxBytes) throw new IdpError(`SAML metadata: larger than ${options.maxBytes} bytes`);
    return parseSamlMetadata(source.metadata);
  }
  const { entityId, signInEndpoint, x509Certificate } = source;
  if (!entityId || !signInEndpoint || !x509Certificate) throw new IdpError('SAML: entityId, signInEndpoint and x509Certificate are required');
  return { entityId, signInEndpoint, x509Certificate: normalizeCertificate(x509Certificate) };
}
