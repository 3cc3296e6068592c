// Owns the security headers of every response (@fastify/helmet, set on the raw response in onRequest,
// so they also reach what the OIDC provider writes itself after reply.hijack()): a Content-Security-
// Policy without inline script, frame-ancestors 'none' and X-Frame-Options: DENY, nosniff, no
// Referer, and HSTS only when the public URL is https. The API reference (/api/docs, swagger-ui)
// loads only its own files. Pages with an inline script (the provider's form_post and logout pages,
// oidc/pages.ts) add that script's hash to the policy they carry; /oidc pages allow forms to post
// anywhere, because the provider's forms post (or redirect) to the client.
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';

/** Everything but /oidc: the API reference and JSON. */
const APP_DIRECTIVES = {
  'default-src': ["'self'"],
  'base-uri': ["'none'"],
  'connect-src': ["'self'"],
  'font-src': ["'self'", 'data:'],
  'form-action': ["'self'"],
  'frame-ancestors': ["'none'"],
  'img-src': ["'self'", 'data:'],
  'object-src': ["'none'"],
  'script-src': ["'self'"],
  'script-src-attr': ["'none'"],
  'style-src': ["'self'"],
};

/** The provider's pages: no form-action (the logout and form_post forms, and the redirects after
 *  them, go to the client); an inline script only by the hash its page adds (oidc/pages.ts). */
const { 'form-action': _formAction, ...OIDC_DIRECTIVES } = APP_DIRECTIVES;

/** Route options for the /oidc routes (http/oidc.ts). */
export const OIDC_HELMET = { contentSecurityPolicy: { useDefaults: false, directives: OIDC_DIRECTIVES } } satisfies FastifyHelmetOptions;

export async function registerSecurityHeaders(app: FastifyInstance, options: { https: boolean }) {
  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: APP_DIRECTIVES },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    strictTransportSecurity: options.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    // A sign-in may run in a popup its application opened and reports back through window.opener;
    // Cross-Origin-Opener-Policy: same-origin would cut that link.
    crossOriginOpenerPolicy: false,
  });
}
