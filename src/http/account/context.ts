// Owns the Account API's request pipeline before the body (my-account-api.md "Request pipeline"
// steps 1–4) for /api/verifications* and /api/my-account*: CORS for any origin (a preflight is
// answered 204 before any auth), then the caller (domain/account/caller.ts: token, user, scope
// openid, Account Center on). Every answer, errors included, carries the CORS headers, so a browser
// application can read why it was refused.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticateAccountCaller, type AccountCaller } from '../../domain/account/caller.ts';
import type { Queryable } from '../../storage/db.ts';

declare module 'fastify' {
  interface FastifyRequest {
    accountCaller?: AccountCaller;
  }
}

const PREFLIGHT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/** Any origin may read the answer (the request's Origin echoed, else `*`); no credentials. */
function corsHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin;
  reply.header('access-control-allow-origin', origin ?? '*');
  if (origin) reply.header('vary', 'Origin');
  reply.header('access-control-expose-headers', '*');
}

/** onRequest for the family: CORS, then who calls (a preflight goes no further). */
export function accountContext(deps: { db: Queryable }) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    corsHeaders(request, reply);
    if (request.method === 'OPTIONS') return;
    request.accountCaller = await authenticateAccountCaller(deps.db, {
      authorization: request.headers.authorization,
      verificationId: request.headers['logto-verification-id'],
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    });
  };
}

/** The preflight of every route under `prefixes`: 204 with the methods and the headers asked for. */
export function preflightRoutes(app: FastifyInstance, prefixes: readonly string[]): void {
  for (const prefix of prefixes) {
    for (const url of [prefix, `${prefix}/*`]) {
      app.options(url, { schema: { hide: true } }, async (request, reply) => {
        const asked = request.headers['access-control-request-headers'];
        reply.header('access-control-allow-methods', PREFLIGHT_METHODS);
        if (asked) reply.header('access-control-allow-headers', asked);
        return reply.code(204).send();
      });
    }
  }
}

/** The caller set by the hook (every route of the family has it). */
export const callerOf = (request: FastifyRequest): AccountCaller => request.accountCaller!;
