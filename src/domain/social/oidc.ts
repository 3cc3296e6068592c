// Owns OpenID Connect social sign-in with openid-client v6 (the generic `oidc` connector, and Google in
// google.ts): the provider's endpoints from discovery or from the config, an authorization with
// `state`, PKCE (S256) and `nonce`, the code exchange (client_secret_post), and the ID token validated
// by openid-client (signature by the provider's JWKS, iss, aud = client id, nonce, exp/iat with a clock
// tolerance of at most VERITY_SOCIAL_CLOCK_SKEW_SECONDS). Every request goes through the egress module
// ([client.customFetch]). The user comes from the ID token's claims; its email only when
// `email_verified` is true (its phone only when `phone_number_verified` is). Throws what types.ts's
// userInfo documents.
import * as client from 'openid-client';
import { fetchOidcDiscovery } from '../sso-connectors/discovery.ts';
import type { OidcConfig } from '../connectors/social-factories.ts';
import { LogtoError } from '../errors.ts';
import { callbackCode, general, providerFetch, talking, type ProviderDeps } from './http.ts';
import type { StoredSocial } from './oauth2.ts';
import type { SocialConnector, SocialUserInfo } from './types.ts';

/** A provider's endpoints, given rather than discovered. */
export interface OidcEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
}

export interface OidcSettings {
  clientId: string;
  clientSecret: string;
  /** Always includes `openid`. */
  scope: string;
  /** Discovery from `<issuer>/.well-known/openid-configuration`, or the endpoints themselves. */
  provider: { discover: string } | OidcEndpoints;
  /** Extra authorization parameters; never override the protocol's own. */
  extraParams: Record<string, string>;
  /** The connector's own tolerance (seconds); the deployment's bound wins when smaller. */
  clockToleranceSeconds?: number;
}

/** `scope` with `openid` in it (Logto's scopePostProcessor). */
export const withOpenid = (scope: string) => {
  const scopes = scope.split(/[ +]/).filter(Boolean);
  return (scopes.includes('openid') ? scopes : [...scopes, 'openid']).join(' ');
};

async function serverMetadata(deps: ProviderDeps, provider: OidcSettings['provider']): Promise<client.ServerMetadata> {
  if ('discover' in provider) {
    const found = await fetchOidcDiscovery(provider.discover, { egress: deps.egress, timeoutMs: deps.timeoutMs, maxBytes: deps.maxBytes }).catch(
      (error: unknown) => {
        throw general(error instanceof Error ? error.message : 'OIDC discovery failed');
      },
    );
    return { issuer: found.issuer, authorization_endpoint: found.authorizationEndpoint, token_endpoint: found.tokenEndpoint, jwks_uri: found.jwksUri };
  }
  return { issuer: provider.issuer, authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint, jwks_uri: provider.jwksUri };
}

/** openid-client's configuration for the provider: every request through egress. */
function configuration(deps: ProviderDeps, metadata: client.ServerMetadata, settings: OidcSettings): client.Configuration {
  const tolerance = Math.min(deps.clockSkewSeconds, settings.clockToleranceSeconds ?? deps.clockSkewSeconds);
  const config = new client.Configuration(
    metadata,
    settings.clientId,
    { [client.clockTolerance]: Math.max(0, tolerance) },
    client.ClientSecretPost(settings.clientSecret),
  );
  const fetch = providerFetch(deps);
  config[client.customFetch] = (url, options) => fetch(url, options as Parameters<typeof fetch>[1]);
  // Plain http only when the operator configured an http endpoint (loopback IdPs in tests); which
  // addresses may be reached at all is the egress policy's decision.
  // openid-client trusts an ID token from the token endpoint on the strength of TLS alone unless told to
  // check its signature against the provider's JWKS too; Verity always checks it.
  client.enableNonRepudiationChecks(config);
  const urls = [metadata.issuer, metadata.token_endpoint, metadata.jwks_uri];
  if (urls.some((u) => u?.startsWith('http:'))) client.allowInsecureRequests(config);
  return config;
}

/** JWT and protocol claims that are not the user's. */
const PROTOCOL_CLAIMS = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'nonce', 'at_hash', 'c_hash', 's_hash', 'azp', 'auth_time', 'sid', 'jti', 'acr', 'amr']);

/** The user in verified ID token claims. */
export function userOfClaims(claims: Record<string, unknown>): SocialUserInfo {
  const text = (key: string) => (typeof claims[key] === 'string' && claims[key] ? (claims[key] as string) : undefined);
  const email = claims.email_verified === true ? text('email') : undefined;
  const phone = claims.phone_number_verified === true ? text('phone_number') : undefined;
  const name = text('name');
  const avatar = text('picture');
  const sub = text('sub');
  if (!sub) throw general('identity provider answered an ID token without sub');
  return {
    id: sub,
    ...(email ? { email } : {}),
    ...(phone ? { phone } : {}),
    ...(name ? { name } : {}),
    ...(avatar ? { avatar } : {}),
    rawData: Object.fromEntries(Object.entries(claims).filter(([key]) => !PROTOCOL_CLAIMS.has(key))),
  };
}

export function oidcConnector(deps: ProviderDeps, stored: StoredSocial, settings: OidcSettings): SocialConnector {
  return {
    ...stored,
    async authorizationUri({ state, redirectUri }) {
      const config = configuration(deps, await serverMetadata(deps, settings.provider), settings);
      const codeVerifier = client.randomPKCECodeVerifier();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(config, {
        ...settings.extraParams,
        response_type: 'code',
        redirect_uri: redirectUri,
        scope: settings.scope,
        state,
        nonce,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
      });
      return { uri: url.href, session: { connectorId: stored.id, state, redirectUri, codeVerifier, nonce } };
    },
    async userInfo(session, data) {
      const { code } = callbackCode(stored.id, session, data);
      // The nonce is what binds the ID token to this authorization: without it there is nothing to check.
      if (!session?.nonce || !session.codeVerifier) throw new LogtoError('session.connector_validation_session_not_found');
      const config = configuration(deps, await serverMetadata(deps, settings.provider), settings);
      // openid-client reads the callback from a URL, and sends that URL without its query as redirect_uri.
      const callback = new URL(session.redirectUri);
      callback.search = '';
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', session.state);
      if (typeof data.iss === 'string') callback.searchParams.set('iss', data.iss);
      const tokens = await talking(() =>
        client.authorizationCodeGrant(config, callback, {
          pkceCodeVerifier: session.codeVerifier,
          expectedState: session.state,
          expectedNonce: session.nonce,
          idTokenExpected: true,
        }),
      );
      const claims = tokens.claims();
      if (!claims) throw general('identity provider answered no ID token');
      return userOfClaims(claims as Record<string, unknown>);
    },
  };
}

/** Logto's authRequestOptionalConfig keys as authorization parameters. */
const AUTH_REQUEST_PARAMS: Record<string, string> = {
  responseMode: 'response_mode',
  display: 'display',
  prompt: 'prompt',
  maxAge: 'max_age',
  uiLocales: 'ui_locales',
  idTokenHint: 'id_token_hint',
  loginHint: 'login_hint',
  acrValues: 'acr_values',
};

/** The generic OIDC connector (Logto's `oidc`). Verity differs: `issuer` (discovery) may stand in for
 *  the endpoints, the audience is always the client id, and only a numeric clockTolerance is used. */
export function genericOidcConnector(deps: ProviderDeps, stored: StoredSocial, config: OidcConfig): SocialConnector {
  const verification = config.idTokenVerificationConfig;
  const extraParams: Record<string, string> = { ...config.customConfig };
  for (const [key, value] of Object.entries(config.authRequestOptionalConfig ?? {}))
    if (AUTH_REQUEST_PARAMS[key] && typeof value === 'string') extraParams[AUTH_REQUEST_PARAMS[key]] = value;
  const tolerance = Number(verification?.clockTolerance);
  return oidcConnector(deps, stored, {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scope: withOpenid(config.scope),
    provider: config.issuer
      ? { discover: config.issuer }
      : {
          issuer: verification!.issuer as string,
          authorizationEndpoint: config.authorizationEndpoint!,
          tokenEndpoint: config.tokenEndpoint!,
          jwksUri: verification!.jwksUri,
        },
    extraParams,
    ...(Number.isFinite(tolerance) ? { clockToleranceSeconds: tolerance } : {}),
  });
}
