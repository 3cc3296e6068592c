// Mounts the OIDC provider under /oidc. The provider parses its own input, so this scope checks that
// input the way the provider will read it before handing the request over (with the /oidc prefix
// moved to originalUrl): the path and query as Koa decodes them (node:querystring), the client
// credentials of a Basic Authorization header, and form bodies, which are read here, checked, and
// passed on as the text the provider would have read (it takes an already-read `req.body`). A
// refusal is the OAuth 400 invalid_request (http/errors.ts). The security headers (the /oidc policy,
// http/security-headers.ts) are on the raw response by then; what the provider itself answers is
// configured in oidc/provider.ts.
import type { IncomingMessage } from 'node:http';
import querystring from 'node:querystring';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { assertStorable } from './text-guard.ts';

export const OIDC_PREFIX = '/oidc';

type RawRequest = IncomingMessage & { originalUrl?: string; body?: string };

const decoded = (text: string) => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

/** The client id and secret of a Basic header, decoded as the provider decodes them (RFC 6749 §2.3.1). */
function basicCredentials(authorization: string | undefined): Record<string, string> {
  const [scheme, value] = authorization?.split(' ') ?? [];
  if (scheme?.toLowerCase() !== 'basic' || !value) return {};
  const text = Buffer.from(value, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  if (colon === -1) return { client: text };
  const part = (s: string) => decoded(s.replace(/\+/g, '%20'));
  return { client_id: part(text.slice(0, colon)), client_secret: part(text.slice(colon + 1)) };
}

/** Throws UnstorableInputError for provider input the database cannot store. */
function assertProviderInput(raw: RawRequest, maxDepth: number) {
  const url = raw.url ?? '/';
  const q = url.indexOf('?');
  assertStorable(decoded(q === -1 ? url : url.slice(0, q)), 'path', maxDepth);
  if (q !== -1) assertStorable(querystring.parse(url.slice(q + 1)), 'query', maxDepth);
  assertStorable(basicCredentials(raw.headers.authorization), 'authorization', maxDepth);
}

export function oidcRoutes(provider: Provider, options: { maxDepth: number }) {
  const callback = provider.callback();
  return async (app: FastifyInstance) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
      // The parsed form is what the text guard checks; the provider parses the same text again.
      (request.raw as RawRequest).body = body as string;
      done(null, querystring.parse(body as string));
    });
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.addHook('onRequest', async (request) => assertProviderInput(request.raw, options.maxDepth));
    const handler = (request: FastifyRequest, reply: FastifyReply) => {
      reply.hijack();
      const raw = request.raw as RawRequest;
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
      callback(raw, reply.raw);
    };
    app.all(OIDC_PREFIX, { schema: { hide: true } }, handler);
    app.all(`${OIDC_PREFIX}/*`, { schema: { hide: true } }, handler);
  };
}
