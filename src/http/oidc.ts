// Mounts the OIDC provider under /oidc. The provider reads its own request bodies, so this scope
// has no body parsers; the request is handed over with the /oidc prefix moved to originalUrl.
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';

export const OIDC_PREFIX = '/oidc';

export function oidcRoutes(provider: Provider) {
  const callback = provider.callback();
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
      callback(raw, reply.raw);
    };
    app.all(OIDC_PREFIX, { schema: { hide: true } }, handler);
    app.all(`${OIDC_PREFIX}/*`, { schema: { hide: true } }, handler);
  };
}
