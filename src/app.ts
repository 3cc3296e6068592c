// buildApp(deps): the Fastify instance with every plugin and route. No side effects beyond the
// instance itself: main.ts listens, tests inject or listen on port 0.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from './config/index.ts';
import type { SenderDirectory } from './connectors/types.ts';
import type { Keyring } from './crypto/keyring.ts';
import type { Clock } from './domain/clock.ts';
import { createRequestCounter } from './domain/request-counter.ts';
import { answerFrameworkError, registerErrorHandling, SchemaValidationError } from './http/errors.ts';
import { registerObservability, requestId } from './http/observability.ts';
import { healthRoutes } from './http/health.ts';
import { metricsPlacement, metricsRoute } from './http/metrics.ts';
import { registerOpenApi } from './http/openapi.ts';
import { registerSecurityHeaders, securityHeaders } from './http/security-headers.ts';
import { registerTextGuard } from './http/text-guard.ts';
import { managementRoutes } from './http/management/index.ts';
import { oidcRoutes } from './http/oidc.ts';
import { experienceRoutes } from './http/experience/index.ts';
import { samlAcsRoutes } from './http/sso-acs.ts';
import { accountRoutes } from './http/account/index.ts';
import { signInPageRoutes } from './http/sign-in-page.ts';
import { lockoutSettingsOf } from './domain/experience/lockout.ts';
import { ssoSettingsOf } from './domain/sso/connector.ts';
import { webAuthnSettingsOf } from './domain/verification/webauthn-rp.ts';
import { otpRoutes } from './http/otp.ts';
import { createSocialConnectors, socialLimitsOf } from './domain/social/store.ts';
import { loadOidcKeys, publicJwks, readOidcKeys, type OidcKeys } from './oidc/keys.ts';
import { followOidcKeys } from './oidc/key-rotation.ts';
import { clientAuthThrottleSettingsOf } from './oidc/client-auth-throttle.ts';
import { createProvider, isHttpsIssuer } from './oidc/provider.ts';
import { createAccessTokenVerifier } from './oidc/access-tokens.ts';
import type { Metrics } from './observability/metrics.ts';
import { requestLogController } from './observability/request-log.ts';
import { registerPublicUrlCheck } from './observability/public-url-check.ts';
import type { Egress } from './net/egress.ts';
import type { Db } from './storage/db.ts';
import type Provider from 'oidc-provider';
import type { z } from 'zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OIDC provider mounted under /oidc (for the interaction bridge, oidc/interaction.ts). */
    oidcProvider: Provider;
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  clock: Clock;
  keyring: Keyring;
  senders: SenderDirectory;
  metrics: Metrics;
  /** Every outgoing request and connection (net/egress.ts). */
  egress: Egress;
}

export const VERSION = '0.1.0';

export async function buildApp(deps: AppDeps, options: Pick<FastifyServerOptions, 'loggerInstance'> = {}): Promise<FastifyInstance> {
  const headers = securityHeaders({ https: isHttpsIssuer(deps.config.issuer) });
  const app = Fastify({
    ...options,
    bodyLimit: deps.config.VERITY_BODY_LIMIT,
    trustProxy: deps.config.VERITY_TRUST_PROXY,
    genReqId: requestId,
    requestIdHeader: false,
    // One entry per request instead of Fastify's two (observability/request-log.ts).
    logController: requestLogController(),
    // During shutdown, requests already on open connections are served, not refused with 503.
    return503OnClosing: false,
    // A URL the router cannot decode is answered in the family's error body (no hook runs for it,
    // so it gets its security headers here).
    frameworkErrors: (error, request, reply) => {
      headers(request.url, request.raw, reply.raw);
      return answerFrameworkError(error, request, reply);
    },
  });
  // One zod schema validates; the response is serialised as built (its schema documents it).
  app.setValidatorCompiler<z.ZodType>(({ schema }) => (data) => {
    const result = schema.safeParse(data);
    return result.success ? { value: result.data } : { error: new SchemaValidationError(result.error.issues) };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // An empty JSON body is "no body" (e.g. DELETE with Content-Type: application/json); the route's
  // schema then decides whether a body was required. Everything else goes to Fastify's safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) =>
    body === '' ? done(null, undefined) : parseJson(request, body as string, done),
  );

  // Once closing, every response ends its keep-alive connection, so close() does not wait for
  // clients to hang up connections whose last response finished after shutdown began.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });

  registerErrorHandling(app, { retryAfterSeconds: deps.config.VERITY_DB_RETRY_AFTER_SECONDS });
  // Before every route: the /oidc routes get the provider pages' policy.
  registerSecurityHeaders(app, headers);
  // Before any route: text the database cannot store never reaches one.
  registerTextGuard(app, { maxDepth: deps.config.VERITY_JSON_MAX_DEPTH });
  // The OpenAPI plugin must come first: it documents only routes registered after it.
  await registerOpenApi(app, VERSION);
  registerObservability(app, deps);
  if (deps.config.mode === 'production') registerPublicUrlCheck(app, deps.config);
  await app.register(healthRoutes(deps));
  if (metricsPlacement(deps.config) === 'public')
    await app.register(metricsRoute({ metrics: deps.metrics, token: deps.config.VERITY_METRICS_TOKEN }));

  const requests = createRequestCounter(deps);
  app.addHook('onClose', () => requests.close());
  const domain = {
    requests,
    db: deps.db,
    clock: deps.clock,
    keyring: deps.keyring,
    senders: deps.senders,
    metrics: deps.metrics,
    egress: deps.egress,
    policy: deps.config,
    prices: deps.config.VERITY_SMS_PRICES,
    mode: deps.config.mode,
    dataDir: deps.config.dataDir,
    /** Stored social connectors, ready to use (domain/social/store.ts). */
    social: createSocialConnectors({ db: deps.db, keyring: deps.keyring, egress: deps.egress, ...socialLimitsOf(deps.config) }),
  };
  const oidcKeys = await loadOidcKeys(deps.db, deps.keyring);
  // Installed into the provider below; until then the first keys stand in.
  let currentKeys = async (): Promise<OidcKeys> => oidcKeys;
  const publicOf = new WeakMap<OidcKeys, ReturnType<typeof publicJwks>>();
  const publicKeys = (keys: OidcKeys) => {
    let found = publicOf.get(keys);
    if (!found) publicOf.set(keys, (found = publicJwks(keys)));
    return found;
  };
  const tokens = createAccessTokenVerifier({
    issuer: deps.config.issuer,
    loadPublicKeys: async (fresh) => publicKeys(fresh ? await readOidcKeys(deps.db, deps.keyring) : await currentKeys()),
  });
  await app.register(otpRoutes({ ...domain, tokens }));

  const provider = createProvider({
    issuer: deps.config.issuer,
    db: deps.db,
    keys: oidcKeys,
    trustProxy: deps.config.VERITY_TRUST_PROXY,
    interactionUrl: deps.config.VERITY_SIGN_IN_URL,
    clock: deps.clock,
    keyring: deps.keyring,
    clientAuthThrottle: clientAuthThrottleSettingsOf(deps.config),
    retryAfterSeconds: deps.config.VERITY_DB_RETRY_AFTER_SECONDS,
  });
  app.decorate('oidcProvider', provider);
  // Every request runs on the current keys: a rotation by any process is installed before it. When
  // they cannot be read the request goes on with the keys installed, and meets the outage its own way.
  currentKeys = followOidcKeys({ db: deps.db, keyring: deps.keyring, provider, installed: oidcKeys });
  app.addHook('onRequest', async () => {
    await currentKeys().catch(() => undefined);
  });
  await app.register(
    oidcRoutes(provider, { maxDepth: deps.config.VERITY_JSON_MAX_DEPTH }),
  );
  await app.register(managementRoutes({ ...domain, tokens }));
  const lockout = lockoutSettingsOf(deps.config);
  const experience = { ...domain, provider, lockout, webauthn: webAuthnSettingsOf(deps.config), sso: ssoSettingsOf(deps.config) };
  await app.register(experienceRoutes(experience));
  await app.register(samlAcsRoutes(experience));
  await app.register(accountRoutes({ ...domain, lockout }));
  await app.register(signInPageRoutes({ db: deps.db, policy: deps.config, demo: deps.config.demoApp }));
  return app;
}
