// Owns the security headers of every response: a Content-Security-Policy without inline script,
// frame-ancestors 'none' and X-Frame-Options: DENY, nosniff, no Referer, and HSTS only when the public
// URL is https. They are set on the raw response in onRequest, so they also reach what the OIDC
// provider writes itself after reply.hijack(). The API reference (/api/docs, swagger-ui) loads only
// its own files. Pages with an inline script (the provider's form_post and logout pages,
// oidc/pages.ts) add that script's hash to the policy they carry; /oidc pages allow forms to post
// anywhere, because the provider's forms post (or redirect) to the client. The two header sets are
// built once (helmet), not per request.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { isOidcRoute } from './errors.ts';

/** Everything but /oidc: the API reference and JSON. */
const APP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  // The sign-in page shows the logos the sign-in experience and its social connectors name (https URLs).
  'img-src': ["'self'", 'data:', 'https:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/** The provider's pages: no form-action (the logout and form_post forms, and the redirects after
 *  them, go to the client); an inline script only by the hash its page adds (oidc/pages.ts). */
const { 'form-action': _formAction, ...OIDC_DIRECTIVES } = APP_DIRECTIVES;

type SetHeaders = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Sets the headers of the response to `url` on `res` (also for answers given before any hook runs). */
export type SecurityHeaders = (url: string, req: IncomingMessage, res: ServerResponse) => void;

export function securityHeaders(options: { https: boolean }): SecurityHeaders {
  const common: HelmetOptions = {
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // A sign-in may run in a popup its application opened and reports back through window.opener;
    // Cross-Origin-Opener-Policy: same-origin would cut that link.
    crossOriginOpenerPolicy: false,
  };
  const app: SetHeaders = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: APP_DIRECTIVES } });
  const oidc: SetHeaders = helmet({ ...common, contentSecurityPolicy: { useDefaults: false, directives: OIDC_DIRECTIVES } });
  const ignore = () => undefined;
  return (url, req, res) => (isOidcRoute(url) ? oidc : app)(req, res, ignore);
}

export function registerSecurityHeaders(app: FastifyInstance, headers: SecurityHeaders) {
  app.addHook('onRequest', (request, reply, done) => {
    headers(request.url, request.raw, reply.raw);
    done();
  });
}
