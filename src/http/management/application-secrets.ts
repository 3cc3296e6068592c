// Management API: named application secrets (management-core-api.md §2, "Secrets"), listed with
// their values as Logto does (stored encrypted; see domain/management/application-secrets.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApplicationDeps } from '../../domain/management/applications.ts';
import {
  createApplicationSecret,
  deleteApplicationSecret,
  listApplicationSecrets,
  renameApplicationSecret,
} from '../../domain/management/application-secrets.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

// The range of time a Date can hold (ECMA-262 §21.4.1.1): beyond it a Date is invalid, so it is a 400 here.
const epochMs = z.number().int().min(-8.64e15).max(8.64e15);
const ApplicationSecret = z
  .object({
    tenantId: z.string(),
    applicationId: z.string(),
    name: z.string(),
    value: z.string().describe('The secret (usable as client_secret)'),
    createdAt: z.number().describe('Epoch milliseconds'),
    expiresAt: z.number().nullable().describe('Epoch milliseconds; null never expires'),
  })
  .describe('ApplicationSecret');
const secretName = z.string().min(1).max(256);
const Params = z.object({ id: z.string().min(1) });
const NamedParams = Params.extend({ name: z.string().min(1) });
const tags = ['applications'];
const errors = { ...managementErrors, 404: LogtoErrorBody, 422: LogtoErrorBody };

export function applicationSecretRoutes(deps: ApplicationDeps) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.get(
      '/api/applications/:id/secrets',
      {
        schema: { tags, summary: "List an application's secrets", security: managementSecurity, params: Params, response: { 200: z.array(ApplicationSecret), ...errors } },
      },
      async (request) => listApplicationSecrets(deps, request.params.id),
    );
    r.post(
      '/api/applications/:id/secrets',
      {
        schema: {
          tags,
          summary: 'Add a client secret',
          security: managementSecurity,
          params: Params,
          body: z.object({ name: secretName, expiresAt: epochMs.nullable().optional() }).describe('CreateApplicationSecret'),
          response: { 201: ApplicationSecret, ...errors },
        },
      },
      async (request, reply) => reply.code(201).send(await createApplicationSecret(deps, request.params.id, request.body)),
    );
    r.patch(
      '/api/applications/:id/secrets/:name',
      {
        schema: {
          tags,
          summary: 'Rename a client secret',
          security: managementSecurity,
          params: NamedParams,
          body: z.object({ name: secretName }).describe('UpdateApplicationSecret'),
          response: { 200: ApplicationSecret, ...errors },
        },
      },
      async (request) => renameApplicationSecret(deps, request.params.id, request.params.name, request.body.name),
    );
    r.delete(
      '/api/applications/:id/secrets/:name',
      {
        schema: { tags, summary: 'Delete a client secret', security: managementSecurity, params: NamedParams, response: { 204: z.null().describe('Deleted'), ...errors } },
      },
      async (request, reply) => {
        await deleteApplicationSecret(deps, request.params.id, request.params.name);
        return reply.code(204).send(null);
      },
    );
  };
}
