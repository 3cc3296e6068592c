// The one internal of oidc-provider Verity calls (oidc/key-rotation.ts): it (re)builds a provider's
// signing keystore and published JWKS from a JWK set, as the provider's constructor does.
declare module 'oidc-provider/lib/helpers/initialize_keystore.js' {
  export default function initializeKeystore(this: object, jwks: { keys: readonly object[] }): void;
}
