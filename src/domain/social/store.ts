// Owns finding a stored social connector and building it (the SocialConnectors of types.ts): the
// connector row, its config opened from rest and passed through its factory's guard, and the provider
// module of its factory. The identity key (`target`) is the stored metadata's target for the standard
// factories (OIDC, OAuth 2.0), the factory's own otherwise. The row is cached in process until the
// connectors table changes anywhere (storage/cache.ts), as the Email and SMS connectors are.
import type { Config } from '../../config/index.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import { cached } from '../../storage/cache.ts';
import type { Db } from '../../storage/db.ts';
import { findConnectorRow } from '../../storage/repos/connectors.ts';
import { openConfig } from '../connectors/config.ts';
import { findFactory } from '../connectors/factories.ts';
import { GitHubConfig, GoogleConfig, OAuth2Config, OidcConfig } from '../connectors/social-factories.ts';
import { LogtoError } from '../errors.ts';
import { githubConnector } from './github.ts';
import { googleConnector } from './google.ts';
import { DEFAULT_MAX_BYTES, type ProviderDeps } from './http.ts';
import { oauth2Connector, type StoredSocial } from './oauth2.ts';
import { genericOidcConnector } from './oidc.ts';
import type { SocialConnector, SocialConnectors } from './types.ts';

export interface SocialStoreDeps extends ProviderDeps {
  db: Db;
  keyring: Keyring;
}

/** The provider module of each social factory, with the guard its stored config is read back through. */
const builders: Record<string, (deps: ProviderDeps, stored: StoredSocial, config: Record<string, unknown>) => SocialConnector> = {
  oidc: (deps, stored, config) => genericOidcConnector(deps, stored, OidcConfig.parse(config)),
  oauth2: (deps, stored, config) => oauth2Connector(deps, stored, OAuth2Config.parse(config)),
  'google-universal': (deps, stored, config) => googleConnector(deps, stored, GoogleConfig.parse(config)),
  'github-universal': (deps, stored, config) => githubConnector(deps, stored, GitHubConfig.parse(config)),
};

/** The provider limits of a deployment's settings. */
export function socialLimitsOf(config: Pick<Config, 'VERITY_SOCIAL_CLOCK_SKEW_SECONDS' | 'VERITY_SOCIAL_TIMEOUT_MS'>) {
  return { clockSkewSeconds: config.VERITY_SOCIAL_CLOCK_SKEW_SECONDS, timeoutMs: config.VERITY_SOCIAL_TIMEOUT_MS, maxBytes: DEFAULT_MAX_BYTES };
}

export function createSocialConnectors(deps: SocialStoreDeps): SocialConnectors {
  const findRow = (id: string) => cached(deps.db, 'connector-rows', ['connectors'], id, () => findConnectorRow(deps.db, id));
  return {
    /** Throws connector.invalid_config when the stored config no longer passes its guard. */
    async find(connectorId) {
      const row = await findRow(connectorId);
      const build = row && row.type === 'Social' ? builders[row.connector_id] : undefined;
      const factory = row && findFactory(row.connector_id);
      if (!row || !build || !factory) return null;
      const target = factory.metadata.isStandard && typeof row.metadata.target === 'string' ? row.metadata.target : factory.metadata.target;
      const stored: StoredSocial = { id: row.id, factoryId: row.connector_id, target, syncProfile: row.sync_profile };
      try {
        return build(deps, stored, openConfig(deps.keyring, row.config));
      } catch (error) {
        if (error instanceof LogtoError) throw error;
        throw new LogtoError('connector.invalid_config', { message: 'the stored config does not pass its guard' });
      }
    },
    async isNonSocial(connectorId) {
      const row = await findRow(connectorId);
      return row !== null && row.type !== 'Social';
    },
  };
}
