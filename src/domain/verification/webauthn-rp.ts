// Owns which relying party a passkey ceremony runs for (README configuration): the configured
// VERITY_WEBAUTHN_RP_ID and VERITY_WEBAUTHN_ORIGINS, or in development the request's own host and
// origin. In production without them passkeys are off.
// Throws LogtoError session.mfa.mfa_factor_not_enabled (400) from relyingPartyFor.
import type { Config } from '../../config/index.ts';
import { LogtoError } from '../errors.ts';

export interface WebAuthnSettings {
  mode: 'development' | 'production';
  rpId: string | undefined;
  origins: readonly string[];
  /** The public URL's scheme (`https:`), which a proxy in front may not pass on. */
  protocol: string;
}

export function webAuthnSettingsOf(config: Pick<Config, 'mode' | 'issuer' | 'VERITY_WEBAUTHN_RP_ID' | 'VERITY_WEBAUTHN_ORIGINS'>): WebAuthnSettings {
  return {
    mode: config.mode,
    rpId: config.VERITY_WEBAUTHN_RP_ID,
    origins: config.VERITY_WEBAUTHN_ORIGINS,
    protocol: new URL(config.issuer).protocol,
  };
}

export interface RelyingParty {
  id: string;
  name: string;
  /** Origins a client data's `origin` may name. */
  origins: string[];
}

/** The relying party for a request reaching this server as `hostname` (no port) / `host` (with port). */
export function relyingPartyFor(settings: WebAuthnSettings, request: { hostname: string; host: string }): RelyingParty {
  if (settings.mode === 'production' && (!settings.rpId || settings.origins.length === 0)) throw new LogtoError('session.mfa.mfa_factor_not_enabled');
  const id = settings.rpId ?? request.hostname.toLowerCase();
  const origins = settings.origins.length > 0 ? [...settings.origins] : [`${settings.protocol}//${request.host.toLowerCase()}`];
  return { id, name: id, origins };
}
