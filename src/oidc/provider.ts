// Owns the oidc-provider configuration: storage through the database adapter, keys from keys.ts,
// applications as clients, users as accounts (account.ts), the authorization-code flow (PKCE, opaque
// access tokens for userinfo, refresh tokens for offline_access rotated on every use), and the
// Management API as a resource server issuing JWT access tokens (scope `all` for applications that
// hold it). Mounted under /oidc by http/oidc.ts. With an https issuer every cookie it sets is Secure,
// whatever the proxy setting. Its answers: CORS only for the client's origins (cors.ts), Retry-After on
// a 503 and a JSON 404 (providerAnswers), no interaction for a browser it is not bound to
// (browser-binding.ts), slow answers to a guessed client secret (client-auth-throttle.ts).
import Provider, { errors, interactionPolicy, type Account, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../storage/db.ts';
import { systemClock, type Clock } from '../domain/clock.ts';
import { clientAuthFailed, type ClientAuthThrottleSettings } from './client-auth-throttle.ts';
import { matchesClientSecret } from './client-secrets.ts';
import type { Keyring } from '../crypto/keyring.ts';
import { accountOf, findAccount, OIDC_CLAIMS } from './account.ts';
import { createAdapterFactory, takeAccountAlong, writeModels, type ModelWrite } from './adapter.ts';
import { CORS_ORIGINS_PROPERTY, findClientMetadata, isAdminApplication, MANAGEMENT_SCOPES_PROPERTY } from './clients.ts';
import { bindingCookieName, bindInteractionLookups } from './browser-binding.ts';
import { clientBasedCORS, corsGuard } from './cors.ts';
import { providerDb } from './db-errors.ts';
import type { OidcKeys } from './keys.ts';
import { logoutSource, postLogoutSuccessSource } from './pages.ts';
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
  /** Judges named client secrets' expiry (client-secrets.ts); the system clock when absent. */
  clock?: Clock;
  /** Keys the per-client count of failed authentications (client-auth-throttle.ts). */
  keyring: Keyring;
  clientAuthThrottle: ClientAuthThrottleSettings;
  /** Retry-After of the provider's 503 answers (a database outage, db-errors.ts). */
  retryAfterSeconds: number;
}

/** What the interaction bridge (interaction.ts) needs from a provider's configuration. */
export interface ProviderLookups {
  /** The account for a user id; undefined for an unknown or suspended user. */
  findAccount(accountId: string): Promise<Account | undefined>;
  /** The scopes of `resource` this client may be granted; undefined for an unknown resource. */
  resourceScopes(resource: string, clientId: string): Promise<string[] | undefined>;
  /** Writes model saves collected by collectModelWrites in one statement, with an optional rider. */
  writeModels(writes: ModelWrite[], rider?: Parameters<typeof writeModels>[2]): Promise<void>;
}

const lookups = new WeakMap<Provider, ProviderLookups>();

/** The lookups of a provider made by createProvider. */
export function providerLookups(provider: Provider): ProviderLookups {
  const found = lookups.get(provider);
  if (!found) throw new Error('not a provider made by createProvider');
  return found;
}

/** The public URL is https: cookies must be Secure even on a request that reached us over plain http
 *  (TLS ended at a proxy). */
export const isHttpsIssuer = (issuer: string) => new URL(issuer).protocol === 'https:';

// The provider (and Koa's cookies under it) decides a cookie's Secure flag and whether it may be sent
// from ctx.secure, which is true only for TLS or a trusted X-Forwarded-Proto; with an https issuer
// it is held true instead.
async function secureCookies(ctx: KoaContextWithOIDC, next: () => Promise<void>) {
  Object.defineProperty(ctx, 'secure', { value: true });
  ctx.cookies.secure = true;
  await next();
}

/**
 * The provider's prompts, with one check added first to login: a session whose account is no longer
 * there (the user was suspended or deleted after signing in, even between submit and the resume)
 * asks for a new sign-in, as a session without an account does, instead of going on to consent with
 * no account (which the provider cannot, and answered 500).
 */
function signInPolicy() {
  const policy = interactionPolicy.base();
  policy
    .get('login')!
    .checks.add(
      new interactionPolicy.Check('account_unavailable', 'the signed-in account is suspended or gone', 'login_required', (ctx) =>
        ctx.oidc.session?.accountId && !ctx.oidc.account ? interactionPolicy.Check.REQUEST_PROMPT : interactionPolicy.Check.NO_NEED_TO_PROMPT,
      ),
      0,
    );
  return policy;
}

/** The sign-in page's URL for an interaction: its uid, and the languages the application asked for
 *  (`ui_locales`), which the page prefers to the browser's. */
function interactionUrl(base: string, interaction: { uid: string; params: Record<string, unknown> }): string {
  const query = new URLSearchParams({ uid: interaction.uid });
  const { ui_locales: locales } = interaction.params;
  if (typeof locales === 'string' && locales.trim()) query.set('ui_locales', locales.trim());
  return `${base}?${query}`;
}

export function createProvider(deps: ProviderDeps): Provider {
  const secure = isHttpsIssuer(deps.issuer);
  // Every statement the provider runs: database failures become errors it answers properly (db-errors.ts).
  const db = providerDb(deps.db);
  const scopesOf = async (resource: string, clientId: string): Promise<string[] | undefined> => {
    if (resource === OTP_API_RESOURCE) return [OTP_API_SCOPE];
    if (resource !== MANAGEMENT_API_RESOURCE) return undefined;
    return (await isAdminApplication(db, clientId)) ? [MANAGEMENT_API_SCOPE] : [];
  };
  const configuration: Configuration = {
    adapter: createAdapterFactory(db, (id) => findClientMetadata(db, id)),
    jwks: deps.keys.jwks as Configuration['jwks'],
    cookies: {
      keys: deps.keys.cookieKeys,
      long: { signed: true, sameSite: 'lax', secure },
      short: { signed: true, sameSite: 'lax', path: '/', secure },
    },
    extraClientMetadata: { properties: [MANAGEMENT_SCOPES_PROPERTY, CORS_ORIGINS_PROPERTY] },
    // Only the client's redirect URIs' origins and its allowed CORS origins (cors.ts).
    clientBasedCORS,
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      // Asks before signing out unless an id_token_hint names the signed-in account (pages.ts).
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined as unknown as string,
        useGrantedResource: () => true,
        async getResourceServerInfo(_ctx, resourceIndicator, client) {
          // A machine client carries its Management API scopes (read with it, clients.ts).
          const carried = (client as unknown as Record<string, unknown>)[MANAGEMENT_SCOPES_PROPERTY];
          const scopes =
            resourceIndicator === MANAGEMENT_API_RESOURCE && Array.isArray(carried)
              ? carried.filter((s) => s === MANAGEMENT_API_SCOPE)
              : await scopesOf(resourceIndicator, client.clientId);
          if (!scopes) throw new errors.InvalidTarget();
          return {
            scope: scopes.join(' '),
            audience: resourceIndicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: ACCESS_TOKEN_TTL_SECONDS,
            jwt: { sign: { alg: 'ES384' } },
          };
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
    // The user came along with the Interaction (resume) or the code (token) when the adapter read it.
    findAccount: (_ctx, sub) => {
      const along = takeAccountAlong(sub);
      return along ? accountOf(along.user) : findAccount(db, sub);
    },
    claims: OIDC_CLAIMS,
    scopes: ['openid', 'offline_access'],
    // A refresh token only for offline_access, and only to clients allowed the refresh_token grant.
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // Every refresh rotates; presenting a rotated one again revokes the whole grant (refresh_token.js).
    rotateRefreshToken: true,
    interactions: { policy: signInPolicy(), url: (_ctx, interaction) => interactionUrl(deps.interactionUrl, interaction) },
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
  lookups.set(provider, {
    findAccount: (accountId) => findAccount(db, accountId),
    resourceScopes: scopesOf,
    writeModels: (writes, rider) => writeModels(db, writes, rider),
  });
  provider.proxy = deps.trustProxy;
  if (secure) provider.use(secureCookies);
  provider.use(corsGuard(db));
  provider.use(providerAnswers(deps.retryAfterSeconds));
  bindInteractionLookups(provider, deps.keyring, bindingCookieName(secure));
  // Client secrets are stored as SHA-256 digests: hash what the client presents, compare in constant time.
  // A wrong secret is counted against the client and, from the limit on, answered slowly.
  const secretDeps = { db, clock: deps.clock ?? systemClock };
  const throttleDeps = { ...secretDeps, keyring: deps.keyring, settings: deps.clientAuthThrottle };
  provider.Client.prototype.compareClientSecret = async function compare(this: { clientId: string; clientSecret?: string }, actual: string) {
    const matches = await matchesClientSecret(secretDeps, { clientId: this.clientId, storedHash: this.clientSecret }, String(actual));
    if (!matches) await clientAuthFailed(throttleDeps, this.clientId);
    return matches;
  };
  return provider;
}

/** Koa middleware inside the provider: Retry-After on its 503s, a JSON body for its unknown routes. */
function providerAnswers(retryAfterSeconds: number): Parameters<Provider['use']>[0] {
  return async (ctx, next) => {
    await next();
    if (ctx.status === 503) ctx.set('retry-after', String(retryAfterSeconds));
    if (ctx.status === 404 && ctx.body === undefined) {
      ctx.body = { error: 'invalid_request', error_description: 'unrecognized route or not allowed method' };
      ctx.status = 404;
    }
  };
}
