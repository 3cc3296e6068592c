// Owns the run-time half of the production start warnings: the first request whose scheme and host
// (X-Forwarded-Proto/-Host when VERITY_TRUST_PROXY, else the connection and Host header) disagree with
// VERITY_PUBLIC_URL is logged as a warning naming both, once per origin (three at most). OIDC, SAML and the demo build their URLs
// from the public URL, so a proxy that forwards something else breaks redirects and Secure cookies.
// Health and metrics probes are left out: a container's health check calls the port directly.
import type { FastifyInstance, FastifyRequest } from 'fastify';

const PROBES = /^\/(api\/status|api\/health|metrics)(\/|\?|$)/;
/** Distinct origins warned about per process: a stray Host header cannot use up the warning a real
 *  misconfiguration needs, and a flood of invented hosts cannot flood the log. */
const MAX_WARNINGS = 3;

/** The origin a request arrived at, as the server sees it; null when its host is not a URL host. */
function requestOrigin(request: Pick<FastifyRequest, 'protocol' | 'host'>): string | null {
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return null;
  }
}

/** The warning for a request that arrived at `seen` while the public URL is `publicUrl`; null when they agree. */
export function publicUrlMismatch(publicUrl: string, seen: string | null, trustProxy: boolean): string | null {
  const expected = new URL(publicUrl).origin;
  if (seen === null || seen === expected) return null;
  const why = trustProxy
    ? 'the proxy’s X-Forwarded-Proto/X-Forwarded-Host (or Host) disagree with it'
    : 'behind a TLS proxy, set VERITY_TRUST_PROXY=true and have the proxy send X-Forwarded-Proto and the Host clients used';
  return `A request arrived at ${seen} but VERITY_PUBLIC_URL is ${expected}: ${why}; sign-in redirects and cookies follow VERITY_PUBLIC_URL (logged once for this origin)`;
}

export function registerPublicUrlCheck(app: FastifyInstance, config: { publicUrl: string; VERITY_TRUST_PROXY: boolean }): void {
  const expected = new URL(config.publicUrl).origin;
  const warned = new Set<string>();
  app.addHook('onRequest', async (request) => {
    if (warned.size >= MAX_WARNINGS || PROBES.test(request.url) || `${request.protocol}://${request.host}` === expected) return;
    const seen = requestOrigin(request);
    const message = publicUrlMismatch(config.publicUrl, seen, config.VERITY_TRUST_PROXY);
    if (!message || warned.has(seen!)) return;
    warned.add(seen!);
    request.log.warn(message);
  });
}
