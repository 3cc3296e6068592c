// Owns which origins may read the provider's answers (CORS). A client's origins are those of its
// redirect URIs and its configured `customClientMetadata.corsAllowedOrigins` (Logto's); the
// provider asks clientBasedCORS once it knows the client of a request (token, userinfo,
// introspection, revocation) and refuses the request otherwise. It echoes any origin when it does
// not know the client yet (a preflight carries no client; a request may fail before its client is
// found): corsGuard then keeps the answer's CORS headers only for an origin some application allows.
// Discovery and the JWKS stay readable from any origin: they are public documents every browser
// client fetches before it has anything else.
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Db } from '../storage/db.ts';
import { allClientOrigins, clientOrigins, CORS_ORIGINS_PROPERTY } from './clients.ts';

/** The provider's clientBasedCORS: may `origin` read this client's answers? */
export function clientBasedCORS(_ctx: KoaContextWithOIDC, origin: string, client: { redirectUris?: readonly string[] }): boolean {
  const allowed = (client as unknown as Record<string, unknown>)[CORS_ORIGINS_PROPERTY];
  return clientOrigins(client.redirectUris ?? [], Array.isArray(allowed) ? allowed : []).has(origin);
}

/** Routes whose answers any origin may read. */
const OPEN_ROUTES = new Set(['discovery', 'cors.discovery', 'jwks', 'cors.jwks']);

const CORS_HEADERS = ['access-control-allow-origin', 'access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age', 'access-control-expose-headers'];

/** Provider middleware (after the provider answered): CORS headers set without a client to vouch
 *  for the origin stay only when some application allows it. */
export function corsGuard(db: Db) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    await next();
    const origin = ctx.get('origin');
    if (!origin || !ctx.response.get('access-control-allow-origin')) return;
    // ctx.oidc exists only on the provider's routes
    const oidc = (ctx as { oidc?: KoaContextWithOIDC['oidc'] }).oidc;
    if (oidc && (OPEN_ROUTES.has(oidc.route) || oidc.client)) return;
    // Closed when the applications cannot be read: the answer itself stands, unreadable cross-origin.
    const allowed: ReadonlySet<string> = await allClientOrigins(db).catch(() => new Set<string>());
    if (allowed.has(origin)) return;
    for (const header of CORS_HEADERS) ctx.remove(header);
  };
}
