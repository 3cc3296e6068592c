// Owns the browser binding of a sign-in: a random token the browser holds in an HttpOnly cookie and
// the keyed digest of it the server keeps — with the Experience API state while the user signs in
// (domain/experience/store.ts), then on the provider's interaction result (interaction.ts) until
// the browser resumes it, where resumesElsewhere checks it. The provider's signed `_interaction` cookies
// name an interaction, but anyone gets a valid set by starting their own authorization request; the
// binding is what ties the interaction to the one browser that signs in on it. Digests name their
// key (keyring.ts), so a secret rotation does not break sign-ins under way.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
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
 * Whether the request would resume, in another browser, an interaction finished with a binding: it
 * carries the signed `_interaction_resume` cookie of such an interaction (the provider's resume, GET
 * or HEAD /auth/:uid in any spelling its router accepts, finds the interaction by that cookie, not by
 * the path; so does this, whatever the path) but not that binding's cookie. http/oidc.ts answers it
 * 400 invalid_request before the provider sees it; the interaction stays for the browser it is bound
 * to. A database failure here is thrown, and answered as anywhere else.
 */
export async function resumesElsewhere(provider: Provider, keyring: Keyring, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const resumeCookie = provider.cookieName('resume');
  if (!req.headers.cookie?.includes(resumeCookie)) return false;
  const { cookies } = provider.createContext(req, res);
  const uid = cookies.get(resumeCookie, { signed: true });
  const interaction = uid ? await provider.Interaction.find(uid) : undefined;
  const binding = (interaction?.result as Record<string, unknown> | undefined)?.[RESULT_BINDING];
  return typeof binding === 'string' && !bindingMatches(keyring, binding, cookies.get(BINDING_COOKIE, { signed: false }));
}
