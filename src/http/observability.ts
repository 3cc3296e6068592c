// Owns request ids, response timing, request metrics and the health check (/metrics: http/metrics.ts).
import crypto from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Db } from '../storage/db.ts';
import type { Metrics } from '../observability/metrics.ts';

const LogtoError = z.object({ code: z.string(), message: z.string() }).describe('LogtoError');

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Fastify genReqId: keep a caller's sane X-Request-Id, otherwise a fresh UUID. */
export function requestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SAFE_ID.test(given) ? given : crypto.randomUUID();
}

export function registerObservability(app: FastifyInstance, deps: { db: Db; metrics: Metrics }) {
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('x-response-time', `${reply.elapsedTime.toFixed(2)}ms`);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.httpRequests.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/api/status',
    {
      schema: {
        tags: ['status'],
        summary: 'Health: 204 when the database answers',
        response: { 204: z.null().describe('The database answers'), 503: LogtoError },
      },
    },
    async (request, reply) => {
      try {
        await deps.db.query('SELECT 1');
        return reply.code(204).send(null);
      } catch (error) {
        request.log.error({ err: error }, 'database health check failed');
        return reply.code(503).send({ code: 'status.database_unavailable', message: 'The database does not answer.' });
      }
    },
  );
}
