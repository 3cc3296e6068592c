// Owns the browser binding of a sign-in: a random token the browser holds in an HttpOnly cookie and
// the keyed digest of it the server keeps — with the Experience API state while the user signs in
// (domain/experience/store.ts), then on the provider's interaction result (interaction.ts) until
// the browser resumes it, where the provider's own lookup of the interaction checks it
// (bindInteractionLookups). The provider's signed `_interaction` cookies
// name an interaction, but anyone gets a valid set by starting their own authorization request; the
// binding is what ties the interaction to the one browser that signs in on it. Digests name their
// key (keyring.ts), so a secret rotation does not break sign-ins under way.
import type Provider from 'oidc-provider';
import { digestsEqual, randomToken, type Keyring } from '../crypto/keyring.ts';

/** The cookie over http (development, tests). */
export const BINDING_COOKIE = '_interaction_binding';
/** Over https the `__Host-` prefix makes browsers refuse a copy set with another path or a Domain
 *  (which would be sent first and shadow the real one), so a binding cannot be planted either. */
export const SECURE_BINDING_COOKIE = '__Host-interaction_binding';

export const bindingCookieName = (secure: boolean) => (secure ? SECURE_BINDING_COOKIE : BINDING_COOKIE);

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
 * Makes the provider's own lookup of an interaction, while it handles a request (under /oidc), not find
 * an interaction finished with a binding the request's cookie does not match. The provider's resume
 * (GET or HEAD /auth/:uid in any spelling its router accepts) finds the interaction by the signed
 * `_interaction_resume` cookie and acts on what this lookup returns — the check is on the very read
 * the resume uses, so a submit landing between a separate check and the resume gains an attacker
 * nothing. The other browser gets the provider's "interaction not found"; nothing is destroyed, and
 * the browser the interaction is bound to still resumes it. Lookups outside the provider's handling of
 * a request (the Experience API, finishInteraction) have no provider context and are unchanged.
 */
export function bindInteractionLookups(provider: Provider, keyring: Keyring, cookieName: string): void {
  const Interaction = provider.Interaction as unknown as { find(id: string, options?: object): Promise<{ result?: unknown } | undefined> };
  const find = Interaction.find.bind(Interaction);
  Interaction.find = async (id, options) => {
    const interaction = await find(id, options);
    const request = (provider.constructor as typeof Provider).ctx;
    if (!interaction || !request) return interaction;
    const binding = (interaction.result as Record<string, unknown> | undefined)?.[RESULT_BINDING];
    if (typeof binding === 'string' && !bindingMatches(keyring, binding, request.cookies.get(cookieName, { signed: false }))) return undefined;
    return interaction;
  };
}
