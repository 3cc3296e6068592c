// Owns OpenID Connect for enterprise SSO sign-in, on openid-client: discovery from the connector's
// issuer, an authorization request with state, PKCE (S256) and a nonce, and the callback: the code
// exchanged and the ID token validated by openid-client: iss, aud, exp/iat within the configured clock
// skew, nonce, and its signature by the keys of the IdP's jwks_uri (non-repudiation checks on: by
// default openid-client leaves the signature of a token endpoint's ID token to TLS, which an http
// issuer does not have). Every request goes through the egress module with a deadline and a
// size cap (openid-client's customFetch). The email is used only when the IdP says it verified it
// (`email_verified: true`), or when the connector trusts unverified emails (AzureAdOidc's
// trustUnverifiedEmail: Entra ID often sends none). Throws OidcRefusal, whose message names the cause only.
import * as client from 'openid-client';
import { boundedFetch } from '../../net/egress.ts';
import type { IdpFetchOptions } from '../sso-connectors/idp-http.ts';
import type { Json } from '../sso-connectors/providers.ts';
import { scopeWith } from '../sso-connectors/providers.ts';
import type { SsoUserInfo } from '../verification/enterprise-sso.ts';

export class OidcRefusal extends Error {
  constructor(
    readonly kind: 'idp' | 'callback',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OidcRefusal';
  }
}

const GOOGLE_ISSUER = 'https://accounts.google.com';

/** The fields of a guarded OIDC-family config sign-in reads. */
interface OidcConfig {
  clientId: string;
  clientSecret: string;
  issuer?: string;
  scope?: string;
  trustUnverifiedEmail?: boolean;
}

const configOf = (config: Json) => config as unknown as OidcConfig;

function egressFetch(limits: IdpFetchOptions): client.CustomFetch {
  const fetch = boundedFetch(limits.egress, limits);
  return (url, options) => fetch(url, options);
}

/** The IdP's configuration for this client (discovery). Throws OidcRefusal ('idp'). */
export async function oidcClient(config: Json, limits: IdpFetchOptions, skewSeconds: number): Promise<client.Configuration> {
  const { clientId, clientSecret, issuer = GOOGLE_ISSUER } = configOf(config);
  const insecure = new URL(issuer).protocol === 'http:';
  try {
    const found = await client.discovery(new URL(issuer), clientId, { client_secret: clientSecret, [client.clockTolerance]: skewSeconds }, undefined, {
      [client.customFetch]: egressFetch(limits),
      // An operator who configured an http issuer chose it; the egress policy still decides the address.
      execute: insecure ? [client.allowInsecureRequests] : [],
    });
    found[client.customFetch] = egressFetch(limits);
    // The ID token's signature is checked against the IdP's jwks_uri too (openid-client otherwise
    // trusts a token endpoint's ID token on the strength of TLS, which an http issuer does not have).
    client.enableNonRepudiationChecks(found);
    return found;
  } catch (error) {
    throw new OidcRefusal('idp', `OIDC discovery failed: ${(error as Error).message}`, { cause: error });
  }
}

/** What the record keeps between the authorization request and the callback. */
export interface OidcRequest {
  url: string;
  codeVerifier: string;
  nonce: string;
}

export async function oidcAuthorization(idp: client.Configuration, config: Json, redirectUri: string, state: string): Promise<OidcRequest> {
  const codeVerifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(idp, {
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopeWith(configOf(config).scope),
    state,
    nonce,
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, codeVerifier, nonce };
}

/**
 * The callback: `connectorData` holds the IdP's redirect parameters (code, state, …). Answers the
 * ID token's issuer and the user. Throws OidcRefusal ('callback': wrong state, an error answer, a
 * refused code or ID token; 'idp': the IdP could not be reached).
 */
export async function oidcCallback(
  idp: client.Configuration,
  config: Json,
  expected: { redirectUri: string; state: string; codeVerifier: string; nonce: string },
  connectorData: Record<string, unknown>,
): Promise<{ issuer: string; userInfo: SsoUserInfo }> {
  const callback = new URL(expected.redirectUri);
  for (const [key, value] of Object.entries(connectorData)) if (typeof value === 'string') callback.searchParams.set(key, value);
  let tokens;
  try {
    tokens = await client.authorizationCodeGrant(idp, callback, {
      expectedState: expected.state,
      pkceCodeVerifier: expected.codeVerifier,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
  } catch (error) {
    throw new OidcRefusal('callback', `OIDC callback refused: ${(error as Error).message}`, { cause: error });
  }
  const claims = tokens.claims();
  if (!claims || !tokens.id_token) throw new OidcRefusal('callback', 'OIDC callback refused: no ID token');
  const trusted = claims.email_verified === true || configOf(config).trustUnverifiedEmail === true;
  const text = (value: unknown) => (typeof value === 'string' && value ? value : undefined);
  const email = trusted ? text(claims.email) : undefined;
  const name = text(claims.name);
  const avatar = text(claims.picture);
  return { issuer: claims.iss, userInfo: { id: claims.sub, ...(email ? { email } : {}), ...(name ? { name } : {}), ...(avatar ? { avatar } : {}) } };
}
