// Owns who an Experience API request is: the OIDC interaction named by the provider's signed
// `_interaction` cookie (experience-api.md, README "Experience"), read with its experience state in
// one statement (oidc/interaction.ts readInteraction; the store judges that state as its first
// snapshot), and the browser binding its
// binding cookie presents (`_interaction_binding`, `__Host-interaction_binding` over https) (oidc/browser-binding.ts; the store judges it). No cookie,
// a bad signature or an expired interaction → 400 session.not_found (the OIDC-style body); a
// database outage while looking it up is not "no interaction" and stays a 503. A binding the store
// issued during the request (E1, or E3 rotating it) is set in the cookie on the way out, on any
// answer: it is stored by then.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { ExperienceDeps } from '../../domain/experience/deps.ts';
import { sessionNotFound } from '../../domain/errors.ts';
import { isDatabaseUnavailable } from '../../storage/db.ts';
import type { InteractionContext } from '../../domain/experience/store.ts';
import { bindingCookieName, bindingCookieOptions } from '../../oidc/browser-binding.ts';
import { readInteraction } from '../../oidc/interaction.ts';
import { isHttpsIssuer } from '../../oidc/provider.ts';

declare module 'fastify' {
  interface FastifyRequest {
    interaction?: InteractionContext;
  }
}

export function interactionContext(deps: Pick<ExperienceDeps, 'provider' | 'db' | 'clock'>) {
  const { provider } = deps;
  const cookie = bindingCookieName(isHttpsIssuer(provider.issuer));
  return async (request: FastifyRequest, reply: FastifyReply) => {
    let read;
    try {
      read = await readInteraction(provider, deps.db, deps.clock.now(), request.raw, reply.raw);
    } catch (error) {
      throw isDatabaseUnavailable(error) ? error : sessionNotFound();
    }
    const details = read.interaction;
    const clientId = details.params.client_id;
    request.interaction = {
      uid: details.uid,
      applicationId: typeof clientId === 'string' ? clientId : null,
      expiresAt: new Date(details.exp * 1000),
      ip: request.ip,
      userAgent: request.headers['user-agent'] ?? null,
      binding: { presented: request.cookies[cookie] ?? null },
      read: {
        interaction: details,
        experience: read.experience,
        user: read.user,
        ...(read.user?.row ? { factors: { userId: read.user.row.id, list: read.user.factors } } : {}),
      },
    };
  };
}

/** onSend: puts a newly issued binding in the browser's cookie, for as long as the interaction lives
 *  (the provider's clock, as the interaction's expiry). */
export function bindingCookie(provider: Provider) {
  const secure = isHttpsIssuer(provider.issuer);
  const cookie = bindingCookieName(secure);
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const context = request.interaction;
    if (context?.binding.issued) {
      reply.setCookie(cookie, context.binding.issued, bindingCookieOptions({ secure, expiresAt: context.expiresAt, now: Date.now() }));
    }
    return payload;
  };
}

/** The context set by the hook (every experience route has it). */
export const contextOf = (request: FastifyRequest): InteractionContext => request.interaction!;
