// Management API: the audit log (Logto `GET /api/logs`, `GET /api/logs/{id}`). The list is always
// paginated and newest first; filters are exact matches. Rows are written by domain/audit.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getAuditLog, listAuditLogs } from '../../domain/audit/index.ts';
import type { Queryable } from '../../storage/db.ts';
import { pageOf, PaginationQuery, setPageHeaders } from './pagination.ts';
import { LogtoErrorBody, managementErrors, managementSecurity } from './schemas.ts';

const LogPayload = z
  .object({
    key: z.string(),
    result: z.enum(['Success', 'Error']),
    error: z.object({ code: z.string(), message: z.string() }).optional().describe('The error answered (Error results)'),
    ip: z.string().optional(),
    userAgent: z.string().optional(),
    userId: z.string().optional(),
    applicationId: z.string().optional(),
    interactionId: z.string().optional(),
    method: z.string().optional().describe('Verification method, e.g. Password, EmailVerificationCode'),
    identifier: z.object({ type: z.string(), value: z.string() }).optional(),
  })
  .describe('LogContextPayload');

const Log = z
  .object({
    tenantId: z.string(),
    id: z.string(),
    key: z.string().describe('Log key, e.g. Interaction.SignIn.Verification.Password.Submit'),
    payload: LogPayload,
    createdAt: z.number().describe('Epoch milliseconds'),
  })
  .describe('Log');

const ListLogsQuery = PaginationQuery.extend({
  userId: z.string().optional().describe('Only logs of this user'),
  applicationId: z.string().optional().describe('Only logs of this application'),
  logKey: z.string().optional().describe('Only logs with this key'),
});

const schema = <T>(summary: string, rest: T) => ({ tags: ['audit logs'], summary, security: managementSecurity, ...rest });

export function logRoutes(deps: { db: Queryable }) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/logs',
      {
        schema: schema('List audit logs, newest first (always paginated)', {
          querystring: ListLogsQuery,
          response: { 200: z.array(Log), ...managementErrors },
        }),
      },
      async (request, reply) => {
        const page = pageOf(request.query)!;
        const { userId, applicationId, logKey } = request.query;
        const { items, total } = await listAuditLogs(deps, { userId, applicationId, key: logKey }, page);
        setPageHeaders(request, reply, page, total);
        return items;
      },
    );
    r.get(
      '/api/logs/:id',
      {
        schema: schema('Get an audit log', {
          params: z.object({ id: z.string().min(1) }),
          response: { 200: Log, ...managementErrors, 404: LogtoErrorBody },
        }),
      },
      async (request) => getAuditLog(deps, request.params.id),
    );
  };
}
