// Management API: enterprise SSO connectors (management-core-api.md §6, O1–O5). Wire shapes follow
// Logto v1.22.0: the create answer is the stored connector; reads add the provider's name, type,
// logos and, when its IdP answers, providerConfig. Unknown body keys (providerName on PATCH) are dropped.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createSsoConnector,
  deleteSsoConnector,
  getSsoConnector,
  listSsoConnectors,
  updateSsoConnector,
  type SsoConnectorDeps,
} from '../../domain/sso-connectors/index.ts';
import { SSO_PROVIDER_NAMES } from '../../domain/sso-connectors/providers.ts';
import { pageOf, PaginationQuery, setPageHeaders } from './pagination.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const tags = ['sso connectors'];
const Json = z.record(z.string(), z.unknown());

const Branding = z
  .object({ displayName: z.string().optional(), logo: z.string().optional(), darkLogo: z.string().optional() })
  .describe('SsoConnectorBranding');

const SsoConnector = z
  .object({
    tenantId: z.string(),
    id: z.string().describe('12 lowercase alphanumerics'),
    providerName: z.string().describe(SSO_PROVIDER_NAMES.join(', ')),
    connectorName: z.string(),
    config: Json.describe('As stored; per provider (OIDC: clientId, clientSecret, issuer, scope?; SAML: metadataUrl | metadata | entityId + signInEndpoint + x509Certificate)'),
    domains: z.array(z.string()),
    branding: Branding,
    syncProfile: z.boolean(),
    createdAt: z.number().describe('Epoch milliseconds'),
  })
  .describe('SsoConnector');

const SsoConnectorWithProviderConfig = SsoConnector.extend({
  name: z.string().describe("The provider's display name"),
  providerType: z.enum(['oidc', 'saml']),
  providerLogo: z.string(),
  providerLogoDark: z.string(),
  providerConfig: Json.optional().describe("The IdP's discovered or parsed settings; absent when the IdP cannot be read"),
}).describe('SsoConnectorWithProviderConfig');

const connectorName = z.string().min(1).max(128);
const fields = {
  config: Json.optional(),
  domains: z.array(z.string().trim().min(1)).optional().describe('Email domains (stored lower-case); public mail domains are refused'),
  branding: Branding.optional(),
  syncProfile: z.boolean().optional(),
};
const CreateSsoConnectorRequest = z
  .object({ providerName: z.string().min(1).max(128), connectorName, ...fields })
  .describe('CreateSsoConnectorRequest');
const UpdateSsoConnectorRequest = z
  .object({ connectorName: connectorName.optional(), ...fields })
  .describe('UpdateSsoConnectorRequest');

const IdParams = z.object({ id: z.string().min(1) });
const writeErrors = { ...managementErrors, 409: LogtoErrorBody, 422: LogtoErrorBody };
const notFound = { 404: LogtoErrorBody };

export function ssoConnectorRoutes(deps: SsoConnectorDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const route = { tags, security: managementSecurity };

    r.post(
      '/api/sso-connectors',
      {
        schema: {
          ...route,
          summary: 'Create an SSO connector (a given config is checked against its IdP first)',
          body: CreateSsoConnectorRequest,
          response: { 200: SsoConnector, ...writeErrors },
        },
      },
      async (request) => createSsoConnector(deps, request.body),
    );
    r.get(
      '/api/sso-connectors',
      {
        schema: {
          ...route,
          summary: 'List SSO connectors, newest first (paginated when page or page_size is given)',
          querystring: PaginationQuery,
          response: { 200: z.array(SsoConnectorWithProviderConfig), ...managementErrors },
        },
      },
      async (request, reply) => {
        const page = pageOf(request.query, true);
        const { items, total } = await listSsoConnectors(deps, page);
        if (page) setPageHeaders(request, reply, page, total);
        return items;
      },
    );
    r.get(
      '/api/sso-connectors/:id',
      {
        schema: {
          ...route,
          summary: 'Get an SSO connector with its provider details',
          params: IdParams,
          response: { 200: SsoConnectorWithProviderConfig, ...managementErrors, ...notFound },
        },
      },
      async (request) => getSsoConnector(deps, request.params.id),
    );
    r.patch(
      '/api/sso-connectors/:id',
      {
        schema: {
          ...route,
          summary: 'Update an SSO connector (each given field is replaced; providerName is fixed)',
          params: IdParams,
          body: UpdateSsoConnectorRequest,
          response: { 200: SsoConnectorWithProviderConfig, ...writeErrors, ...notFound },
        },
      },
      async (request) => updateSsoConnector(deps, request.params.id, request.body),
    );
    r.delete(
      '/api/sso-connectors/:id',
      {
        schema: {
          ...route,
          summary: 'Delete an SSO connector',
          params: IdParams,
          response: { 204: z.null().describe('Deleted'), ...managementErrors, ...notFound },
        },
      },
      async (request, reply) => {
        await deleteSsoConnector(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
