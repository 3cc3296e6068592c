// The hosted sign-in page (README "Sign-in page"): a single-page app built from web/ and served at the
// interaction URL and its sibling paths, with the public settings it starts from. The page is only a
// client of the Experience API; these routes serve files and read settings, nothing else.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { getPublicSignInExperience, PublicSignInExperience, type PublicSignInExperienceDeps } from '../domain/sign-in-experience/public.ts';
import { loadWebFiles, type WebFile } from './web-assets.ts';

/** The paths of the sign-in page (web/index.html) and of the demo application (web/demo.html). */
export const SIGN_IN_PAGES = ['/sign-in', '/register', '/forgot-password', '/callback/social/:connectorId', '/callback/sso/:connectorId'];
export const DEMO_PAGES = ['/demo', '/demo/callback'];

const tags = ['sign-in page'];
const html = z.string().describe('The page (text/html)');
const notBuilt = z.string().describe('The page has not been built (text/plain)');

const NOT_BUILT = 'The sign-in page has not been built: run `npm run build` (npm install does it), then restart Verity.\n';

function send(request: FastifyRequest, reply: FastifyReply, file: WebFile) {
  reply.header('content-type', file.type);
  reply.header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('vary', 'accept-encoding');
  if (file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    reply.header('content-encoding', 'gzip');
    return reply.send(file.gzip);
  }
  return reply.send(file.body);
}

export function signInPageRoutes(deps: PublicSignInExperienceDeps & { demo: boolean }) {
  return async (app: FastifyInstance) => {
    const files = loadWebFiles();
    if (!files) app.log.warn('The sign-in page has not been built (web/dist): run `npm run build`');
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/api/.well-known/sign-in-exp',
      {
        schema: {
          tags,
          summary: 'The sign-in experience as the sign-in page reads it: methods, policy, branding, social connectors (no secrets)',
          response: { 200: PublicSignInExperience },
        },
      },
      async (_request, reply) => {
        reply.header('cache-control', 'no-store');
        return getPublicSignInExperience(deps);
      },
    );

    const page = (url: string, file: string, summary: string) =>
      r.get(url, { schema: { tags, summary, produces: ['text/html'], response: { 200: html, 503: notBuilt } } }, async (request, reply) => {
        const found = files?.get(file);
        if (!found) return reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
        return send(request, reply, found);
      });
    for (const url of SIGN_IN_PAGES) page(url, '/index.html', 'The hosted sign-in page');
    if (deps.demo) for (const url of DEMO_PAGES) page(url, '/demo.html', 'The demo application (development)');

    r.get(
      '/assets/*',
      {
        schema: {
          tags,
          summary: "The sign-in page's hashed files (immutable)",
          response: { 200: z.string().describe('The file'), 404: z.unknown().describe('No such file (the not-found error body)') },
        },
      },
      async (request, reply) => {
        // The path as the router saw it, normalised; `..` out of /assets is not a way to the pages.
        const path = new URL(request.url, 'http://x').pathname;
        const found = path.startsWith('/assets/') ? files?.get(path) : undefined;
        // An unknown file is the server's own not found (its JSON error body).
        if (!found) return reply.callNotFound();
        return send(request, reply, found);
      },
    );
  };
}
