// Owns the oidc-provider configuration: storage through the database adapter, keys from keys.ts,
// applications as clients, and the Management API as a resource server issuing JWT access tokens
// (scope `all` for applications that hold it). Mounted under /oidc by http/oidc.ts.
import crypto from 'node:crypto';
import Provider, { errors, type Configuration } from 'oidc-provider';
import type { Db } from '../storage/db.ts';
import { createAdapterFactory } from './adapter.ts';
import { findClientMetadata, isAdminApplication } from './clients.ts';
import type { OidcKeys } from './keys.ts';
import { MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE, OTP_API_RESOURCE, OTP_API_SCOPE } from './resources.ts';

export { MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE, OTP_API_RESOURCE, OTP_API_SCOPE };

export const ACCESS_TOKEN_TTL_SECONDS = 3600;

export interface ProviderDeps {
  issuer: string;
  db: Db;
  keys: OidcKeys;
  trustProxy: boolean;
  /** Where the provider sends the browser to sign in (the Experience API's page). */
  interactionUrl: string;
}

export function createProvider(deps: ProviderDeps): Provider {
  const configuration: Configuration = {
    adapter: createAdapterFactory(deps.db, (id) => findClientMetadata(deps.db, id)),
    jwks: deps.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { signed: true, sameSite: 'lax' },
      short: { signed: true, sameSite: 'lax', path: '/' },
    },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, resourceIndicator, client) {
          const jwt = { accessTokenFormat: 'jwt', accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS, jwt: { sign: { alg: 'ES384' } } } as const;
          if (resourceIndicator === OTP_API_RESOURCE) return { scope: OTP_API_SCOPE, audience: OTP_API_RESOURCE, ...jwt };
          if (resourceIndicator !== MANAGEMENT_API_RESOURCE) throw new errors.InvalidTarget();
          const admin = await isAdminApplication(deps.db, client.clientId);
          return { scope: admin ? MANAGEMENT_API_SCOPE : '', audience: MANAGEMENT_API_RESOURCE, ...jwt };
        },
      },
    },
    // Our signing keys are EC P-384 (ES384), as Logto's default.
    enabledJWA: {
      idTokenSigningAlgValues: ['ES384'],
      userinfoSigningAlgValues: ['ES384'],
      introspectionSigningAlgValues: ['ES384'],
      authorizationSigningAlgValues: ['ES384'],
      requestObjectSigningAlgValues: ['ES384', 'ES256', 'RS256'],
    },
    clientDefaults: {
      grant_types: ['authorization_code'],
      id_token_signed_response_alg: 'ES384',
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
    pkce: { required: () => true },
    findAccount: async () => undefined,
    interactions: { url: (_ctx, interaction) => `${deps.interactionUrl}?uid=${encodeURIComponent(interaction.uid)}` },
    ttl: {
      AccessToken: ACCESS_TOKEN_TTL_SECONDS,
      ClientCredentials: ACCESS_TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      Interaction: 3600,
      Session: 14 * 86_400,
      Grant: 14 * 86_400,
      IdToken: 3600,
      RefreshToken: 14 * 86_400,
    },
    renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
  const provider = new Provider(deps.issuer, configuration);
  provider.proxy = deps.trustProxy;
  // Client secrets are stored as SHA-256 digests: hash what the client presents, compare in constant time.
  provider.Client.prototype.compareClientSecret = function compare(this: { clientSecret?: string }, actual: string) {
    const stored = Buffer.from(this.clientSecret ?? '', 'hex');
    const given = crypto.createHash('sha256').update(String(actual)).digest();
    return Promise.resolve(stored.length === given.length && crypto.timingSafeEqual(stored, given));
  };
  return provider;
}
