// Owns checking our own JWT access tokens: signature by a current or recently retired signing key
// (the set the caller gives on each call, cached until the keys change; read again at most every
// 10 s when a token names a key this process has not seen), issuer, audience (the resource) and expiry. A token that fails any check is null; a
// database outage while loading the keys is not a bad token and is thrown (a 503 upstream).
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { isDatabaseUnavailable } from '../storage/db.ts';

export interface AccessTokenVerifier {
  /** The token's claims; null when it is not ours, not for `audience`, or expired. Throws
   *  DatabaseUnavailableError when the keys cannot be loaded. */
  verify(token: string, audience: string): Promise<JWTPayload | null>;
}

export function createAccessTokenVerifier(deps: {
  issuer: string;
  /** The public signing keys now; `fresh` reads them past any cache. The same object until they
   *  change (a new object means a new key set). */
  loadPublicKeys: (fresh: boolean) => Promise<{ keys: JWK[] }>;
}): AccessTokenVerifier {
  let keySet: ReturnType<typeof createLocalJWKSet> | undefined;
  let source: { keys: JWK[] } | undefined;
  let freshAt = 0;
  const keys = async (refresh: boolean) => {
    const fresh = refresh && Date.now() - freshAt > 10_000;
    if (fresh) freshAt = Date.now();
    const loaded = await deps.loadPublicKeys(fresh);
    if (!keySet || loaded !== source) {
      keySet = createLocalJWKSet(loaded);
      source = loaded;
    }
    return keySet;
  };
  return {
    async verify(token, audience) {
      const options = { issuer: deps.issuer, audience, algorithms: ['ES384'] };
      try {
        try {
          return (await jwtVerify(token, await keys(false), options)).payload;
        } catch (error) {
          if ((error as { code?: string }).code !== 'ERR_JWKS_NO_MATCHING_KEY') throw error;
          return (await jwtVerify(token, await keys(true), options)).payload;
        }
      } catch (error) {
        if (isDatabaseUnavailable(error)) throw error;
        return null;
      }
    },
  };
}
