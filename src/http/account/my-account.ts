// Account API M1–M10 (my-account-api.md). Filled in by the my-account work.
import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../../domain/account/deps.ts';

export function myAccountRoutes(_deps: AccountDeps) {
  return async (_app: FastifyInstance) => {};
}
