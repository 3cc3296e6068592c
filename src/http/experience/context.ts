// Owns who an Experience API request is: the OIDC interaction named by the provider's signed
// `_interaction` cookie (experience-api.md, README "Experience"). No cookie, a bad signature or an
// expired interaction → 400 session.not_found (the OIDC-style body); a database outage while looking
// it up is not "no interaction" and stays a 503.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { sessionNotFound } from '../../domain/errors.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import type { InteractionContext } from '../../domain/experience/store.ts';

declare module 'fastify' {
  interface FastifyRequest {
    interaction?: InteractionContext;
  }
}

export function interactionContext(provider: Provider) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let details;
    try {
      details = await provider.interactionDetails(request.raw, reply.raw);
    } catch (error) {
      throw isDatabaseUnavailable(error) ? error : sessionNotFound();
    }
    const clientId = details.params.client_id;
    request.interaction = {
      uid: details.uid,
      applicationId: typeof clientId === 'string' ? clientId : null,
      expiresAt: new Date(details.exp * 1000),
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
    };
  };
}

/** The context set by the hook (every experience route has it). */
export const contextOf = (request: FastifyRequest): InteractionContext => request.interaction!;
