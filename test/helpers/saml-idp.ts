// A SAML 2.0 IdP built in the tests: it reads the AuthnRequest an E11 authorization URI carries
// (HTTP-Redirect binding: deflated, base64) and answers with a Response whose assertion it signs
// with a test key (xml-crypto, RSA-SHA256, exclusive c14n), as an IdP's HTTP-POST binding delivers
// it to the ACS URL. Every field a check reads can be bent, to build the responses that must be
// refused: unsigned, signed by another key, another audience / recipient / destination, expired,
// a wrapped signature (a signed assertion plus an injected unsigned one), a DOCTYPE.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { SignedXml } from 'xml-crypto';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/saml');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');

/** A key pair: `idp` is the one connectors trust, `other` one they do not. */
export const SAML_KEYS = {
  idp: { key: read('idp-key.pem'), cert: read('idp-cert.pem') },
  other: { key: read('other-key.pem'), cert: read('other-cert.pem') },
};

/** The base64 body of a PEM certificate (as connector configs take it). */
export const certBody = (pem: string) => pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');

/** What the IdP reads from an authorization URI. */
export interface SamlRequest {
  id: string;
  acsUrl: string;
  spEntityId: string;
  relayState: string;
}

export function readAuthnRequest(authorizationUri: string): SamlRequest {
  const url = new URL(authorizationUri);
  const xml = zlib.inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
  const attribute = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(xml)?.[1] ?? '';
  const issuer = /<saml:Issuer[^>]*>([^<]*)<\/saml:Issuer>/.exec(xml)?.[1] ?? '';
  return { id: attribute('ID'), acsUrl: attribute('AssertionConsumerServiceURL'), spEntityId: issuer, relayState: url.searchParams.get('RelayState') ?? '' };
}

export interface AssertionOptions {
  issuer: string;
  request: SamlRequest;
  nameId: string;
  email?: string;
  name?: string;
  /** Overrides of what a valid response holds. */
  audience?: string;
  recipient?: string;
  destination?: string;
  inResponseTo?: string;
  /** Seconds from now the assertion stays valid (negative: expired). Default 300. */
  validForSeconds?: number;
  assertionId?: string;
  /** Which key signs the assertion; 'none' leaves it unsigned. Default 'idp'. */
  signedBy?: 'idp' | 'other' | 'none';
  /** The signed assertion is kept, and an unsigned one naming `wrapAs` is injected: as a sibling
   *  before it ('sibling'), or in its place while it hides in the Response's Extensions ('extensions'). */
  wrap?: { as: string; how: 'sibling' | 'extensions' };
  doctype?: boolean;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');

function assertionXml(o: AssertionOptions, id: string, nameId: string): string {
  const now = Date.now();
  const until = iso(now + (o.validForSeconds ?? 300) * 1000);
  const attribute = (name: string, value: string | undefined) =>
    value === undefined ? '' : `<saml:Attribute Name="${name}"><saml:AttributeValue>${escape(value)}</saml:AttributeValue></saml:Attribute>`;
  return (
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${id}" Version="2.0" IssueInstant="${iso(now)}">` +
    `<saml:Issuer>${escape(o.issuer)}</saml:Issuer>` +
    `<saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${escape(nameId)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${escape(o.inResponseTo ?? o.request.id)}" NotOnOrAfter="${until}" Recipient="${escape(o.recipient ?? o.request.acsUrl)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${iso(now - 5000)}" NotOnOrAfter="${until}"><saml:AudienceRestriction><saml:Audience>${escape(o.audience ?? o.request.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${iso(now)}" SessionIndex="${id}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attribute('email', o.email)}${attribute('name', o.name)}</saml:AttributeStatement>` +
    `</saml:Assertion>`
  );
}

function sign(xml: string, keys: { key: string; cert: string }): string {
  const signer = new SignedXml({
    privateKey: keys.key,
    publicCert: keys.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  signer.addReference({
    xpath: "/*[local-name(.)='Assertion']",
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
  });
  signer.computeSignature(xml, { location: { reference: "/*[local-name(.)='Assertion']/*[local-name(.)='Issuer']", action: 'after' } });
  return signer.getSignedXml();
}

/** A base64 SAMLResponse, as the IdP's form posts it. */
export function samlResponse(o: AssertionOptions): string {
  const id = o.assertionId ?? `_a${crypto.randomBytes(12).toString('hex')}`;
  const plain = assertionXml(o, id, o.nameId);
  const signedBy = o.signedBy ?? 'idp';
  const signed = signedBy === 'none' ? plain : sign(plain, SAML_KEYS[signedBy]);
  const injected = o.wrap ? assertionXml(o, id, o.wrap.as) : '';
  const extensions = o.wrap?.how === 'extensions' ? `<samlp:Extensions>${signed}</samlp:Extensions>` : '';
  const assertions = !o.wrap ? signed : o.wrap.how === 'sibling' ? `${injected}${signed}` : injected;
  const xml =
    (o.doctype ? '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e "x">]>' : '') +
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="_r${crypto.randomBytes(12).toString('hex')}" Version="2.0" IssueInstant="${iso(Date.now())}" ` +
    `Destination="${escape(o.destination ?? o.request.acsUrl)}" InResponseTo="${escape(o.inResponseTo ?? o.request.id)}">` +
    `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${escape(o.issuer)}</saml:Issuer>${extensions}` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>${assertions}</samlp:Response>`;
  return Buffer.from(xml).toString('base64');
}

/** The IdP's metadata document (EntityDescriptor with the signing certificate and a redirect SSO endpoint). */
export function idpMetadata(entityId: string, ssoUrl: string, cert = SAML_KEYS.idp.cert): string {
  return (
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${escape(entityId)}">` +
    '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">' +
    `<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>${certBody(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>` +
    `<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${escape(ssoUrl)}"/>` +
    '</md:IDPSSODescriptor></md:EntityDescriptor>'
  );
}
