// Owns where and to whom the Prometheus metrics are served. /metrics is on the public port only when
// a bearer token protects it (VERITY_METRICS_TOKEN) or in development; VERITY_METRICS_PORT serves it
// on a listener of its own instead (metricsServer), so production never exposes it by default.
// The token is compared as SHA-256 digests in constant time and never logged.
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config/index.ts';
import { digestsEqual, sha256Hex } from '../crypto/keyring.ts';
import { logtoErrors } from '../domain/errors.ts';
import type { Metrics } from '../observability/metrics.ts';

export type MetricsSettings = Pick<Config, 'mode' | 'VERITY_METRICS_PORT' | 'VERITY_METRICS_TOKEN'>;

/** Where /metrics is served: the public port (with or without a token), its own port, or nowhere. */
export function metricsPlacement(config: MetricsSettings): 'public' | 'own-port' | 'none' {
  if (config.VERITY_METRICS_PORT !== undefined) return 'own-port';
  if (config.VERITY_METRICS_TOKEN !== undefined || config.mode === 'development') return 'public';
  return 'none';
}

function bearerCheck(token: string | undefined) {
  if (token === undefined) return undefined;
  const expected = sha256Hex(token);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !digestsEqual(sha256Hex(given), expected)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="metrics"')
        .send({ code: 'auth.unauthorized', message: logtoErrors['auth.unauthorized'].message });
    }
  };
}

/** GET /metrics, behind the bearer token when one is configured. */
export function metricsRoute(deps: { metrics: Metrics; token?: string }) {
  return async (app: FastifyInstance) => {
    const guard = bearerCheck(deps.token);
    app.withTypeProvider<ZodTypeProvider>().get(
      '/metrics',
      {
        ...(guard ? { onRequest: guard } : {}),
        schema: {
          tags: ['status'],
          summary: 'Prometheus metrics (text exposition format); needs the metrics bearer token when one is set',
          produces: ['text/plain'],
          ...(guard ? { security: [{ MetricsToken: [] }] } : {}),
          response: {
            200: z.string().describe('Prometheus text format 0.0.4'),
            401: z.object({ code: z.string(), message: z.string() }).describe('Missing or wrong metrics token'),
          },
        },
      },
      async (_request, reply) => reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics()),
    );
  };
}

/** The listener of its own for VERITY_METRICS_PORT: /metrics and nothing else. */
export async function metricsServer(deps: { metrics: Metrics; token?: string }): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await app.register(metricsRoute(deps));
  return app;
}
