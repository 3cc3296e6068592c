// The Management API: every route behind managementAuth (bearer JWT, scope `all`).
import type { FastifyInstance } from 'fastify';
import type { ManagementCodeDeps } from '../../domain/management/verification-codes.ts';
import { managementAuth, type ManagementAuthDeps } from '../management-auth.ts';
import { verificationCodeRoutes } from './verification-codes.ts';

export function managementRoutes(deps: ManagementCodeDeps & ManagementAuthDeps) {
  return async (app: FastifyInstance) => {
    // onRequest: authentication is decided before the body is read or validated.
    app.addHook('onRequest', managementAuth(deps));
    await app.register(verificationCodeRoutes(deps));
    // --- applications ---
    // --- users ---
    // --- sign-in experience and connectors ---
  };
}
