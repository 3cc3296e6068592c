// Owns the Google social connector (Logto's `google-universal`): OpenID Connect (oidc.ts) with Google's
// published endpoints, or with another issuer's discovery when the config names one (tests point it at
// a loopback IdP). Verity differs from Logto: `prompt` is sent only when `prompts` is configured (Logto
// defaults to select_account), and the ID token is validated with a nonce (Logto's Google has none).
import type { GoogleConfig } from '../connectors/social-factories.ts';
import type { ProviderDeps } from './http.ts';
import type { StoredSocial } from './oauth2.ts';
import { oidcConnector, withOpenid, type OidcEndpoints } from './oidc.ts';
import type { SocialConnector } from './types.ts';

export const GOOGLE_ENDPOINTS: OidcEndpoints = {
  issuer: 'https://accounts.google.com',
  authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
  tokenEndpoint: 'https://oauth2.googleapis.com/token',
  jwksUri: 'https://www.googleapis.com/oauth2/v3/certs',
};

export function googleConnector(deps: ProviderDeps, stored: StoredSocial, config: GoogleConfig): SocialConnector {
  return oidcConnector(deps, stored, {
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    scope: withOpenid(config.scope ?? 'openid profile email'),
    provider: config.issuer ? { discover: config.issuer } : GOOGLE_ENDPOINTS,
    extraParams: config.prompts?.length ? { prompt: config.prompts.join(' ') } : {},
  });
}
