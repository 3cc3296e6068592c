// Owns OIDC discovery for SSO connectors: reading <issuer>/.well-known/openid-configuration and
// checking the fields sign-in will need (OpenID Connect Discovery 1.0 §3, §4.3), including that the
// endpoints the server itself will call (token, JWKS, userinfo) pass the egress policy. Throws IdpError.
import { checkIdpEndpoint, fetchIdpDocument, IdpError, isHttpUrl, type IdpFetchOptions } from './idp-http.ts';

/** The parts of a discovery document Verity uses, camelCased as Logto's providerConfig. */
export interface OidcDiscovery {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
  userinfoEndpoint?: string;
}

const trimSlash = (value: string) => value.replace(/\/+$/, '');

export const discoveryUrl = (issuer: string) => `${trimSlash(issuer)}/.well-known/openid-configuration`;

/**
 * The issuer in the document must be the one configured (§4.3), up to a trailing slash. Microsoft
 * Entra ID's multi-tenant documents name a template (`…/{tenantid}/v2.0`) and are let through.
 */
function sameIssuer(configured: string, announced: string): boolean {
  return trimSlash(configured) === trimSlash(announced) || announced.includes('{tenantid}');
}

/** Fetches and checks the issuer's discovery document. Throws IdpError naming what is wrong. */
export async function fetchOidcDiscovery(issuer: string, options: IdpFetchOptions): Promise<OidcDiscovery> {
  const text = await fetchIdpDocument('OIDC discovery', discoveryUrl(issuer), 'application/json', options);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new IdpError('OIDC discovery: the document is not JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new IdpError('OIDC discovery: the document is not a JSON object');
  const fields = doc as Record<string, unknown>;
  const url = (key: string, required: boolean): string | undefined => {
    const value = fields[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !isHttpUrl(value)) throw new IdpError(`OIDC discovery: ${key} is missing or not an http(s) URL`);
    return value;
  };
  const announced = fields.issuer;
  if (typeof announced !== 'string' || !announced) throw new IdpError('OIDC discovery: issuer is missing');
  if (!sameIssuer(issuer, announced)) throw new IdpError('OIDC discovery: the document names another issuer');
  const userinfoEndpoint = url('userinfo_endpoint', false);
  const found: OidcDiscovery = {
    issuer: announced,
    authorizationEndpoint: url('authorization_endpoint', true)!,
    tokenEndpoint: url('token_endpoint', true)!,
    jwksUri: url('jwks_uri', true)!,
    ...(userinfoEndpoint === undefined ? {} : { userinfoEndpoint }),
  };
  // The browser goes to authorization_endpoint; the server calls the others.
  await checkIdpEndpoint('OIDC discovery: token_endpoint', found.tokenEndpoint, options);
  await checkIdpEndpoint('OIDC discovery: jwks_uri', found.jwksUri, options);
  if (found.userinfoEndpoint) await checkIdpEndpoint('OIDC discovery: userinfo_endpoint', found.userinfoEndpoint, options);
  return found;
}
