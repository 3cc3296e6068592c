// Management API: roles (read-only: the seeded machine-to-machine roles) and the roles an
// application holds (management-core-api.md §1, "Role routes"). Wire shapes follow Logto v1.22.0.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  addApplicationRoles,
  getRole,
  listApplicationRoles,
  listRoles,
  removeApplicationRole,
  replaceApplicationRoles,
  type RoleDeps,
} from '../../domain/management/roles.ts';
import { parseSearch } from '../../domain/search.ts';
import { ROLE_SEARCH_FIELDS } from '../../storage/repos/roles.ts';
import { PaginationQuery, pageOf, setPageHeaders } from './pagination.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const RoleType = z.enum(['User', 'MachineToMachine']);
const Role = z
  .object({ tenantId: z.string(), id: z.string(), name: z.string(), description: z.string(), type: RoleType, isDefault: z.boolean() })
  .describe('Role');
const RoleSummary = Role.extend({
  usersCount: z.number(),
  featuredUsers: z.array(z.object({ id: z.string(), avatar: z.string().nullable(), name: z.string().nullable() })),
  applicationsCount: z.number(),
  featuredApplications: z.array(z.object({ id: z.string(), name: z.string(), type: z.string() })),
}).describe('RoleSummary');
const RoleIds = z.object({ roleIds: z.array(z.string().min(1)).min(1) }).describe('RoleIds');

const ListRolesQuery = z.looseObject({
  ...PaginationQuery.shape,
  type: RoleType.optional(),
  search: z.union([z.string(), z.array(z.string())]).optional().describe('LIKE pattern over id, name and description'),
});
const tags = ['roles'];
const notFound = { 404: LogtoErrorBody };
const AppParams = z.object({ applicationId: z.string().min(1) });

export function roleRoutes(deps: RoleDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/roles',
      {
        schema: {
          tags,
          summary: 'List roles, oldest first (always paginated)',
          security: managementSecurity,
          querystring: ListRolesQuery,
          response: { 200: z.array(RoleSummary), ...managementErrors },
        },
      },
      async (request, reply) => {
        const page = pageOf(request.query)!;
        const filter = { ...(request.query.type ? { type: request.query.type } : {}), search: parseSearch(request.query, ROLE_SEARCH_FIELDS) };
        const { items, total } = await listRoles(deps, filter, page);
        setPageHeaders(request, reply, page, total);
        return items;
      },
    );
    r.get(
      '/api/roles/:id',
      {
        schema: {
          tags,
          summary: 'Get a role',
          security: managementSecurity,
          params: z.object({ id: z.string().min(1) }),
          response: { 200: Role, ...managementErrors, ...notFound },
        },
      },
      async (request) => getRole(deps, request.params.id),
    );
    r.get(
      '/api/applications/:applicationId/roles',
      {
        schema: {
          tags,
          summary: "List an application's roles (paginated when page or page_size is given)",
          security: managementSecurity,
          params: AppParams,
          querystring: PaginationQuery,
          response: { 200: z.array(Role), ...managementErrors, ...notFound },
        },
      },
      async (request, reply) => {
        const page = pageOf(request.query, true);
        const { items, total } = await listApplicationRoles(deps, request.params.applicationId, page);
        if (page) setPageHeaders(request, reply, page, total);
        return items;
      },
    );
    r.post(
      '/api/applications/:applicationId/roles',
      {
        schema: {
          tags,
          summary: 'Give a machine-to-machine application roles (e.g. Logto Management API access)',
          security: managementSecurity,
          params: AppParams,
          body: RoleIds,
          response: { 201: z.null().describe('Added'), ...managementErrors, ...notFound, 422: LogtoErrorBody },
        },
      },
      async (request, reply) => {
        await addApplicationRoles(deps, request.params.applicationId, request.body.roleIds);
        return reply.code(201).send(null);
      },
    );
    r.put(
      '/api/applications/:applicationId/roles',
      {
        schema: {
          tags,
          summary: "Replace an application's roles",
          security: managementSecurity,
          params: AppParams,
          body: RoleIds,
          response: { 200: z.null().describe('Replaced'), ...managementErrors, ...notFound, 422: LogtoErrorBody },
        },
      },
      async (request, reply) => {
        await replaceApplicationRoles(deps, request.params.applicationId, request.body.roleIds);
        return reply.code(200).send(null);
      },
    );
    r.delete(
      '/api/applications/:applicationId/roles/:roleId',
      {
        schema: {
          tags,
          summary: 'Take a role from an application',
          security: managementSecurity,
          params: AppParams.extend({ roleId: z.string().min(1) }),
          response: { 204: z.null().describe('Removed'), ...managementErrors, ...notFound, 422: LogtoErrorBody },
        },
      },
      async (request, reply) => {
        await removeApplicationRole(deps, request.params.applicationId, request.params.roleId);
        return reply.code(204).send(null);
      },
    );
  };
}
