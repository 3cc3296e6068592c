// Owns the browser binding of a sign-in: a random token the browser holds in an HttpOnly cookie and
// the keyed digest of it the server keeps — with the Experience API state while the user signs in
// (domain/experience/store.ts), then on the provider's interaction result (interaction.ts) until
// the browser resumes it, where resumeGuard checks it. The provider's signed `_interaction` cookies
// name an interaction, but anyone gets a valid set by starting their own authorization request; the
// binding is what ties the interaction to the one browser that signs in on it. Digests name their
// key (keyring.ts), so a secret rotation does not break sign-ins under way.
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { digestsEqual, randomToken, type Keyring } from '../crypto/keyring.ts';

export const BINDING_COOKIE = '_interaction_binding';

/** Where the digest rides on a finished interaction's result (the provider ignores unknown keys). */
export const RESULT_BINDING = 'verityBrowserBinding';

/** 256 bits from the CSPRNG. */
const TOKEN_BYTES = 32;

export interface IssuedBinding {
  /** For the browser's cookie only; never stored. */
  token: string;
  /** `<key id>.<HMAC-SHA256 of the token>`, what the server stores. */
  digest: string;
}

export function issueBinding(keyring: Keyring): IssuedBinding {
  const token = randomToken(TOKEN_BYTES);
  return { token, digest: `${keyring.currentId}.${keyring.hmac('binding', token)}` };
}

/** Whether `token` (from the cookie) is the one `digest` was made from; constant time over the MACs. */
export function bindingMatches(keyring: Keyring, digest: string | null | undefined, token: string | null | undefined): boolean {
  if (!digest || !token) return false;
  const [keyId = '', mac = ''] = digest.split('.');
  if (!mac || !keyring.hasKey(keyId)) return false;
  return digestsEqual(keyring.hmac('binding', token, keyId), mac);
}

/** The cookie's attributes: HttpOnly, SameSite=Lax, path `/` (the Experience API and the provider's
 *  resume both need it), Secure when the issuer is https, gone when the interaction expires. */
export function bindingCookieOptions(options: { secure: boolean; expiresAt: Date; now: number }) {
  const maxAge = Math.max(0, Math.floor((options.expiresAt.getTime() - options.now) / 1000));
  return { httpOnly: true, sameSite: 'lax' as const, secure: options.secure, path: '/', maxAge };
}

/**
 * Provider middleware: a request carrying the signed `_interaction_resume` cookie of an interaction
 * finished with a binding (the provider's resume, GET or HEAD /auth/:uid in any spelling its router
 * accepts, finds the interaction by that cookie, not by the path; so does this, whatever the path)
 * is answered 400 invalid_request unless it also carries that binding's cookie. The interaction is
 * left as it is, so the browser it is bound to still completes.
 */
export function resumeGuard(provider: Provider, keyring: Keyring) {
  return async (ctx: KoaContextWithOIDC, next: () => Promise<void>) => {
    const uid = ctx.cookies.get(provider.cookieName('resume'), { signed: true });
    if (uid) {
      const interaction = await provider.Interaction.find(uid);
      const binding = (interaction?.result as Record<string, unknown> | undefined)?.[RESULT_BINDING];
      if (typeof binding === 'string' && !bindingMatches(keyring, binding, ctx.cookies.get(BINDING_COOKIE, { signed: false }))) {
        ctx.status = 400;
        ctx.set('cache-control', 'no-store');
        ctx.body = { error: 'invalid_request', error_description: 'interaction is bound to another browser' };
        return;
      }
    }
    await next();
  };
}
