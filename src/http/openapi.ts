// Owns the OpenAPI 3.1 document (generated from the route schemas) at /api/swagger.json and a
// human-readable reference at /api/docs.
import type { FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerOpenApi(app: FastifyInstance, version: string) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Verity API',
        version,
        description:
          'Self-hosted identity verification. The OTP API is SMS.cx-compatible: every non-2xx answer is ' +
          '{"error":{"type","message","uri","code"}}. Verity adds codes 1001–1013 for failures SMS.cx does not number ' +
          '(1001 invalid body, 1002 invalid API key, 1003 invalid bearer token, 1004 unknown route, 1005 method not allowed, ' +
          '1006 body too large, 1007 per-key rate limit, 1008 internal error, 1009 SMS gateway failure, ' +
          '1010 no SMS connector, 1011 send limit per recipient or IP, 1012 text that cannot be stored (NUL, unpaired surrogate, ' +
          'bad encoding, too deep), 1013 database unavailable, with Retry-After).',
        license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
      },
      components: {
        securitySchemes: {
          ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-KEY' },
          BearerAuth: { type: 'http', scheme: 'bearer' },
          MetricsToken: { type: 'http', scheme: 'bearer', description: 'VERITY_METRICS_TOKEN' },
          InteractionCookie: {
            type: 'apiKey',
            in: 'cookie',
            name: '_interaction',
            description:
              'Set by /oidc/auth (signed, with _interaction.sig). Every Experience route but PUT /api/experience also needs the ' +
              'HttpOnly _interaction_binding cookie that PUT /api/experience sets (identification replaces it)',
          },
          UserAccessToken: {
            type: 'http',
            scheme: 'bearer',
            description:
              'The opaque access token an application received at sign-in (no resource indicator), with scope openid. ' +
              'Sensitive my-account routes also need the logto-verification-id header: a verified record of POST /api/verifications/*',
          },
          ManagementApi: {
            type: 'oauth2',
            description: 'Client credentials of a MachineToMachine application, resource https://default.logto.app/api, scope all',
            flows: { clientCredentials: { tokenUrl: '/oidc/token', scopes: { all: 'Full Management API access' } } },
          },
        },
      },
      tags: [
        { name: 'otp', description: 'SMS.cx-compatible one-time PINs' },
        { name: 'verification codes', description: 'Management API: codes for any email address or phone number' },
        { name: 'applications', description: 'Management API: applications (OAuth clients, OTP API callers)' },
        { name: 'users', description: 'Management API: users' },
        { name: 'sign-in experience', description: 'Management API: the settings the sign-in flow obeys' },
        { name: 'connectors', description: 'Management API: email, SMS and social connectors' },
        { name: 'sso connectors', description: 'Management API: enterprise SSO connectors (OIDC, SAML)' },
        { name: 'roles', description: 'Management API: machine-to-machine roles and the applications holding them' },
        { name: 'experience', description: 'Experience API: headless sign-in, registration and password reset' },
        { name: 'account verifications', description: 'Account API: step-up verification records of the signed-in user' },
        { name: 'my account', description: 'Account API: the signed-in user’s own profile, password, email, phone and identities' },
        { name: 'account center', description: 'Management API: which fields the Account API shows and lets users change' },
        { name: 'status', description: 'Health and metrics' },
      ],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  app.get('/api/swagger.json', { schema: { hide: true } }, async () => app.swagger());
}
