// Owns which SSO connectors sign-in may use (experience-api.md E5, E11, E12, E3 `session.sso_enabled`):
// a stored connector whose provider Verity supports and whose config passes that provider's guard
// (connectors saved without a usable config are skipped, as Logto's available connectors), with its
// config decrypted for the call that needs it; and the settings every SSO sign-in call shares.
// Throws LogtoError connector.not_found (404).
import type { Keyring } from '../../crypto/keyring.ts';
import type { Egress } from '../../net/egress.ts';
import type { Db } from '../../storage/db.ts';
import { findSsoConnectorRow, type SsoConnectorRow } from '../../storage/repos/sso-connectors.ts';
import { findSsoConnectorRowsByDomain } from '../../storage/repos/sso-sign-in.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import { DEFAULT_IDP_LIMITS, type IdpFetchOptions } from '../sso-connectors/idp-http.ts';
import { findProvider, type Json, type SsoProvider } from '../sso-connectors/providers.ts';

/** How SSO sign-in reaches IdPs and names itself to them. */
export interface SsoSettings {
  /** Verity's public URL (no trailing slash): the SAML entity id and ACS URL are built on it. */
  publicUrl: string;
  /** Clock skew allowed with IdPs (SAML conditions, ID token times). */
  clockSkewSeconds: number;
}

export interface SsoDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  egress: Egress;
  sso: SsoSettings;
}

/** A connector sign-in can use. */
export interface UsableSsoConnector {
  id: string;
  connectorName: string;
  provider: SsoProvider;
  config: Json;
  domains: string[];
  branding: Record<string, unknown>;
  syncProfile: boolean;
}

export function ssoSettingsOf(config: { issuer: string; VERITY_SSO_CLOCK_SKEW_SECONDS: number }): SsoSettings {
  return { publicUrl: config.issuer.replace(/\/oidc$/, ''), clockSkewSeconds: config.VERITY_SSO_CLOCK_SKEW_SECONDS };
}

/** Every IdP request: through the egress module, with a deadline and a size cap. */
export const idpOptions = (deps: Pick<SsoDeps, 'egress'>): IdpFetchOptions => ({ ...DEFAULT_IDP_LIMITS, egress: deps.egress });

function usable(deps: Pick<SsoDeps, 'keyring'>, row: SsoConnectorRow): UsableSsoConnector | null {
  const provider = findProvider(row.provider_name);
  if (!provider) return null;
  let parsed;
  try {
    parsed = provider.configGuard.safeParse(JSON.parse(deps.keyring.decrypt(row.config)));
  } catch {
    return null;
  }
  if (!parsed.success) return null;
  return {
    id: row.id,
    connectorName: row.connector_name,
    provider,
    config: parsed.data,
    domains: row.domains,
    branding: row.branding,
    syncProfile: row.sync_profile,
  };
}

/** Throws connector.not_found (404) for a missing connector or one sign-in cannot use. */
export async function usableSsoConnector(deps: Pick<SsoDeps, 'db' | 'keyring'>, id: string): Promise<UsableSsoConnector> {
  const row = await findSsoConnectorRow(deps.db, id);
  const found = row ? usable(deps, row) : null;
  if (!found) throw new LogtoError('connector.not_found', undefined, 404);
  return found;
}

/** The domain of an email address (lower case), or undefined when it has none. */
export function emailDomain(email: string): string | undefined {
  const at = email.lastIndexOf('@');
  const domain = at < 0 ? '' : email.slice(at + 1).trim().toLowerCase();
  return domain || undefined;
}

/** The usable connectors of the email's domain (none for an address without one). */
export async function ssoConnectorsOfEmail(deps: Pick<SsoDeps, 'db' | 'keyring'>, email: string): Promise<UsableSsoConnector[]> {
  const domain = emailDomain(email);
  if (!domain) return [];
  const rows = await findSsoConnectorRowsByDomain(deps.db, domain);
  return rows.map((row) => usable(deps, row)).filter((c): c is UsableSsoConnector => c !== null);
}
