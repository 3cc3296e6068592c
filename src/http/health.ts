// Owns readiness: GET /api/health/ready answers 200 when the database answers, its migrations are
// current and the server secret reproduces its recorded check value (domain/secrets/status.ts), 503
// naming the failing checks otherwise. No auth, like the liveness check /api/status; three small reads,
// made at most once a second however many probes (or strangers) ask: the answer is shared for a second,
// and a failing state is logged when it changes or once a minute, not once per request.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Keyring } from '../crypto/keyring.ts';
import type { Clock } from '../domain/clock.ts';
import { readinessFailures, type ReadinessCheck } from '../domain/secrets/status.ts';
import type { Db } from '../storage/db.ts';

const CHECKS = ['database', 'migrations', 'secret'] as const;
const Check = z.enum(['ok', 'failing']);
const Checks = z.object({ database: Check, migrations: Check, secret: Check });
const Ready = z.object({ status: z.literal('ready'), checks: Checks }).describe('Readiness');
const NotReady = z.object({ status: z.literal('not_ready'), failing: z.array(z.enum(CHECKS)), checks: Checks }).describe('NotReady');

const SHARED_MS = 1000;
const LOG_EVERY_MS = 60_000;

export function healthRoutes(deps: { db: Db; keyring: Keyring; clock: Clock }) {
  let shared: { at: number; failing: Promise<ReadinessCheck[]> } | undefined;
  let logged: { at: number; failing: string } | undefined;
  const failures = () => {
    const now = deps.clock.now().getTime();
    if (!shared || now - shared.at >= SHARED_MS || now < shared.at) shared = { at: now, failing: readinessFailures(deps.db, deps.keyring) };
    return shared.failing;
  };
  const shouldLog = (failing: ReadinessCheck[]) => {
    const now = deps.clock.now().getTime();
    const key = failing.join(',');
    if (logged && logged.failing === key && now - logged.at < LOG_EVERY_MS) return false;
    logged = { at: now, failing: key };
    return true;
  };
  return async (app: FastifyInstance) => {
    app.withTypeProvider<ZodTypeProvider>().get(
      '/api/health/ready',
      {
        schema: {
          tags: ['status'],
          summary: 'Readiness: the database answers, migrations are current, the server secret is the one this database recorded',
          response: { 200: Ready, 503: NotReady },
        },
      },
      async (request, reply) => {
        const failing = await failures();
        const state = (c: (typeof CHECKS)[number]): 'ok' | 'failing' => (failing.includes(c) ? 'failing' : 'ok');
        const checks = { database: state('database'), migrations: state('migrations'), secret: state('secret') };
        if (failing.length === 0) {
          logged = undefined;
          return reply.code(200).send({ status: 'ready', checks });
        }
        if (shouldLog(failing)) request.log.warn({ failing }, 'readiness check failing');
        return reply.code(503).send({ status: 'not_ready', failing, checks });
      },
    );
  };
}
