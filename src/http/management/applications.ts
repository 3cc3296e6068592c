// Management API: applications (spec: management-core-api.md §2, A1–A5). Wire shapes follow Logto
// v1.22.0: camelCase, epoch-ms timestamps; unknown body keys are dropped by the zod guards.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  APPLICATION_TYPES,
  createManagedApplication,
  deleteManagedApplication,
  getManagedApplication,
  listManagedApplications,
  updateManagedApplication,
  type ApplicationDeps,
} from '../../domain/management/applications.ts';
import { parseSearch, queryValues } from '../../domain/search.ts';
import { APPLICATION_SEARCH_FIELDS } from '../../storage/repos/applications.ts';
import { PaginationQuery, pageOf, setPageHeaders } from './pagination.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

/** An http(s) URL, or a custom scheme with a dot in it (`com.example.app://callback`). */
export function isRedirectUri(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') return Boolean(url.hostname);
  return /^[a-z][\w+-]*(\.[\w+-]+)+:$/i.test(url.protocol);
}

const ApplicationType = z.enum(APPLICATION_TYPES);
const OidcClientMetadata = z
  .object({
    redirectUris: z.array(z.string().refine(isRedirectUri, 'Invalid redirect URI')).default([]),
    postLogoutRedirectUris: z.array(z.url()).default([]),
    backchannelLogoutUri: z.url().optional(),
    backchannelLogoutSessionRequired: z.boolean().optional(),
    logoUri: z.string().optional(),
  })
  .describe('OidcClientMetadata');
const CustomClientMetadata = z
  .object({
    corsAllowedOrigins: z.array(z.string()).optional(),
    idTokenTtl: z.number().optional(),
    refreshTokenTtl: z.number().optional(),
    refreshTokenTtlInDays: z.number().int().min(1).max(90).optional(),
    tenantId: z.string().optional(),
    alwaysIssueRefreshToken: z.boolean().optional(),
    rotateRefreshToken: z.boolean().optional(),
  })
  .describe('CustomClientMetadata');
const CustomData = z.record(z.string(), z.unknown());
const name = z.string().min(1).max(256);
const description = z.string().nullable();

const Application = z
  .object({
    tenantId: z.string(),
    id: z.string(),
    name: z.string(),
    secret: z.string().describe('The client secret: its plaintext in the create answer only, "" on every later read'),
    description: z.string().nullable(),
    type: ApplicationType,
    oidcClientMetadata: OidcClientMetadata,
    customClientMetadata: CustomClientMetadata,
    protectedAppMetadata: z.record(z.string(), z.unknown()).nullable(),
    customData: CustomData,
    isThirdParty: z.boolean(),
    createdAt: z.number().describe('Epoch milliseconds'),
  })
  .describe('Application');

const CreateApplicationRequest = z
  .object({
    name,
    type: ApplicationType,
    description: description.optional(),
    oidcClientMetadata: OidcClientMetadata.optional(),
    customClientMetadata: CustomClientMetadata.optional(),
    customData: CustomData.optional(),
    isThirdParty: z.boolean().optional(),
    protectedAppMetadata: z.object({ subDomain: z.string(), origin: z.url() }).optional(),
  })
  .describe('CreateApplicationRequest');

// `type` and `isThirdParty` are not listed, so the guard drops them (they cannot change).
const UpdateApplicationRequest = z
  .object({
    name: name.optional(),
    description: description.optional(),
    oidcClientMetadata: OidcClientMetadata.optional(),
    customClientMetadata: CustomClientMetadata.optional(),
    customData: CustomData.optional(),
    protectedAppMetadata: z.record(z.string(), z.unknown()).optional().describe('Protected apps only (none can exist here)'),
    isAdmin: z.boolean().optional().describe('Grants (true) or removes (false) Management API access'),
  })
  .describe('UpdateApplicationRequest');

const many = <T extends z.ZodType>(item: T) => z.union([item, z.array(item)]).optional();
const ListApplicationsQuery = z.looseObject({
  ...PaginationQuery.shape,
  types: many(ApplicationType).describe('Application types; one or repeated'),
  isThirdParty: z.enum(['true', 'false']).optional(),
  search: many(z.string()).describe('LIKE pattern over id, name and description; `search.<field>` for one field'),
  mode: z.string().optional().describe('like (default), exact, similar_to, posix; `mode.<field>` per field'),
  joint: z.string().optional().describe('or (default), and'),
  isCaseSensitive: z.enum(['true', 'false']).optional(),
  excludeRoleId: z.string().optional().describe('Leave out applications holding this role'),
  excludeOrganizationId: z.string().optional().describe('Leave out members of this organization (there are no organizations yet)'),
});
const IdParams = z.object({ id: z.string().min(1) });


const tags = ['applications'];
const notFound = { 404: LogtoErrorBody };

export function applicationRoutes(deps: ApplicationDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/api/applications',
      {
        schema: {
          tags,
          summary: 'Create an application (its secret is shown in this answer only)',
          security: managementSecurity,
          body: CreateApplicationRequest,
          response: { 200: Application, ...managementErrors, 501: LogtoErrorBody },
        },
      },
      async (request) => createManagedApplication(deps, request.body),
    );
    r.get(
      '/api/applications',
      {
        schema: {
          tags,
          summary: 'List applications, newest first (paginated when page or page_size is given)',
          security: managementSecurity,
          querystring: ListApplicationsQuery,
          response: { 200: z.array(Application), ...managementErrors },
        },
      },
      async (request, reply) => {
        const query = request.query;
        const page = pageOf(query, true);
        const types = queryValues(query.types);
        const { items, total } = await listManagedApplications(deps, {
          excludeRoleId: query.excludeRoleId,
          excludeOrganizationId: query.excludeOrganizationId,
          page,
          types: types.length ? types : undefined,
          isThirdParty: query.isThirdParty === undefined ? undefined : query.isThirdParty === 'true',
          search: parseSearch(query, APPLICATION_SEARCH_FIELDS),
        });
        if (page) setPageHeaders(request, reply, page, total);
        return items;
      },
    );
    r.get(
      '/api/applications/:id',
      {
        schema: {
          tags,
          summary: 'Get an application and whether it has Management API access',
          security: managementSecurity,
          params: IdParams,
          response: { 200: Application.extend({ isAdmin: z.boolean() }), ...managementErrors, ...notFound },
        },
      },
      async (request) => getManagedApplication(deps, request.params.id),
    );
    r.patch(
      '/api/applications/:id',
      {
        schema: {
          tags,
          summary: 'Update an application (each given top-level field is replaced)',
          security: managementSecurity,
          params: IdParams,
          body: UpdateApplicationRequest,
          response: { 200: Application, ...managementErrors, ...notFound },
        },
      },
      async (request) => updateManagedApplication(deps, request.params.id, request.body),
    );
    r.delete(
      '/api/applications/:id',
      {
        schema: {
          tags,
          summary: 'Delete an application; its tokens stop working at once',
          security: managementSecurity,
          params: IdParams,
          response: { 204: z.null().describe('Deleted'), ...managementErrors, ...notFound },
        },
      },
      async (request, reply) => {
        await deleteManagedApplication(deps, request.params.id);
        return reply.code(204).send(null);
      },
    );
  };
}
