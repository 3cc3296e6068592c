// Owns who may call the Management API: a bearer JWT access token from our own provider for the
// Management API resource, signed by a current or recently retired key, carrying scope `all`, from
// an application that still exists. Errors: 401 auth.authorization_header_missing,
// auth.authorization_token_type_not_supported, auth.unauthorized, auth.jwt_sub_missing; 403 auth.forbidden.
// A database outage while loading the signing keys is not a bad token: it stays a 503 (access-tokens.ts).
import type { FastifyRequest } from 'fastify';
import { LogtoError } from '../domain/errors.ts';
import type { Db } from '../storage/db.ts';
import { MANAGEMENT_API_RESOURCE, MANAGEMENT_API_SCOPE } from '../oidc/resources.ts';
import type { AccessTokenVerifier } from '../oidc/access-tokens.ts';
import { heldManagementScopes } from '../oidc/clients.ts';

export interface ManagementCaller {
  applicationId: string;
  scopes: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    managementCaller?: ManagementCaller;
  }
}

export interface ManagementAuthDeps {
  db: Db;
  tokens: AccessTokenVerifier;
}

export function managementAuth(deps: ManagementAuthDeps) {
  return async (request: FastifyRequest) => {
    const header = request.headers.authorization;
    if (!header) throw new LogtoError('auth.authorization_header_missing');
    if (!header.startsWith('Bearer ')) throw new LogtoError('auth.authorization_token_type_not_supported');
    const payload = await deps.tokens.verify(header.slice('Bearer '.length).trim(), MANAGEMENT_API_RESOURCE);
    if (!payload) throw new LogtoError('auth.unauthorized');
    if (!payload.sub) throw new LogtoError('auth.jwt_sub_missing');
    const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : [];
    if (!scopes.includes(MANAGEMENT_API_SCOPE)) throw new LogtoError('auth.forbidden');
    // A deleted or demoted application loses access at once, whatever its tokens say (in every
    // process: the cache is invalidated by the change, oidc/clients.ts).
    const held = await heldManagementScopes(deps.db, payload.sub);
    if (!held) throw new LogtoError('auth.unauthorized');
    if (!held.includes(MANAGEMENT_API_SCOPE)) throw new LogtoError('auth.forbidden');
    request.managementCaller = { applicationId: payload.sub, scopes };
  };
}
