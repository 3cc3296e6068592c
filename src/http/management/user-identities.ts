// Management API: a user's social identities (management-core-api.md §3 "Identities"): put one as
// given, link one through a social connector, unlink one. There is no GET: identities are read from U3.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { linkIdentity, putIdentity, unlinkIdentity, type UserIdentityDeps } from '../../domain/users/identities.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';
import { changeBy } from './user-mfa.ts';
import { User } from './users.ts';

const Params = z.object({ userId: z.string().min(1) });
const TargetParams = Params.extend({ target: z.string().min(1).max(256) });
const Identity = z
  .object({ userId: z.string().min(1).describe("The provider's user id"), details: z.record(z.string(), z.unknown()).optional() })
  .describe('UserIdentity');
const Identities = z.record(z.string(), Identity).describe('UserIdentities: target → identity');
const LinkRequest = z
  .object({
    connectorId: z.string().min(1).describe('A Social connector'),
    connectorData: z
      .record(z.string(), z.unknown())
      .describe("The provider's callback parameters (code, state, …); connectors that need no session also take redirectUri"),
  })
  .describe('LinkUserIdentityRequest');

const schema = <T>(summary: string, rest: T) => ({ tags: ['users'], summary, security: managementSecurity, ...rest });
const errors = { ...managementErrors, 404: LogtoErrorBody };

export function userIdentityRoutes(deps: UserIdentityDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.put(
      '/api/users/:userId/identities/:target',
      {
        schema: schema('Put the user’s social identity of a target as given', {
          params: TargetParams,
          body: Identity,
          response: { 200: Identities.describe('Replaced'), 201: Identities.describe('Created'), ...errors, 422: LogtoErrorBody },
        }),
      },
      async (request, reply) => {
        const { userId, target } = request.params;
        const { identities, created } = await putIdentity(deps, userId, target, request.body, changeBy(request));
        return reply.code(created ? 201 : 200).send(identities);
      },
    );
    r.post(
      '/api/users/:userId/identities',
      {
        schema: schema('Link a social identity through a Social connector', {
          params: Params,
          body: LinkRequest,
          response: { 200: Identities, ...errors, 401: LogtoErrorBody, 422: LogtoErrorBody },
        }),
      },
      async (request) => linkIdentity(deps, request.params.userId, request.body.connectorId, request.body.connectorData, changeBy(request)),
    );
    r.delete(
      '/api/users/:userId/identities/:target',
      { schema: schema('Unlink the user’s social identity of a target', { params: TargetParams, response: { 200: User, ...errors } }) },
      async (request) => unlinkIdentity(deps, request.params.userId, request.params.target, changeBy(request)),
    );
  };
}
