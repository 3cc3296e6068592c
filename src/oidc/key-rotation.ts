// Owns keeping a running provider on the current keys: a rotation made by any process (or the CLI)
// changes oidc_keys, the change feed marks the key cache stale (keys.ts currentOidcKeys), and the
// next request of this process installs the new set before it runs: the provider signs with the new
// signing key, publishes every current and recently retired one at /oidc/jwks, and signs cookies with
// the new cookie key while still accepting the older ones. oidc-provider reads its keys only when it
// is constructed, so installing them again calls the same internal its constructor does; the
// rotation tests (test/oidc/key-rotation.test.ts, test/process/cache-invalidation.test.ts) fail if
// that internal changes.
import type Provider from 'oidc-provider';
import initializeKeystore from 'oidc-provider/lib/helpers/initialize_keystore.js';
import type { Keyring } from '../crypto/keyring.ts';
import type { Db } from '../storage/db.ts';
import { currentOidcKeys, type OidcKeys } from './keys.ts';

const fingerprint = (keys: OidcKeys) => JSON.stringify([keys.jwks.keys.map((k) => k.kid), keys.cookieKeys]);

/** Installs `keys` into a provider made with other keys. */
export function installOidcKeys(provider: Provider, keys: OidcKeys): void {
  initializeKeystore.call(provider, keys.jwks);
  // Koa signs new cookies with the first key and verifies with any (read on every request).
  provider.keys = keys.cookieKeys;
}

/**
 * A check to run before each request: the current keys (cached; read while the change feed is
 * down), installed into the provider when they differ from what it runs on. Returns them.
 */
export function followOidcKeys(deps: { db: Db; keyring: Keyring; provider: Provider; installed: OidcKeys }) {
  let seen = deps.installed;
  let installed = fingerprint(deps.installed);
  return async function current(): Promise<OidcKeys> {
    const keys = await currentOidcKeys(deps.db, deps.keyring);
    if (keys !== seen) {
      seen = keys;
      const next = fingerprint(keys);
      if (next !== installed) {
        installOidcKeys(deps.provider, keys);
        installed = next;
      }
    }
    return keys;
  };
}
