// Account API A1–A5 (account-verifications-api.md). Filled in by the verification-records work.
import type { FastifyInstance } from 'fastify';
import type { AccountDeps } from '../../domain/account/deps.ts';

export function verificationRoutes(_deps: AccountDeps) {
  return async (_app: FastifyInstance) => {};
}
