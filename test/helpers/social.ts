// Social connectors in tests: create one through the Management API (C1) and build the stored one the
// way the Experience and Account APIs do (domain/social/store.ts), with the test app's egress.
import crypto from 'node:crypto';
import { createSocialConnectors } from '../../src/domain/social/store.ts';
import type { SocialConnector, SocialConnectors, SocialSession } from '../../src/domain/social/types.ts';
import type { TestApp } from './app.ts';
import { managementCall } from './tokens.ts';

/** The test app's stored social connectors (limits as configured, or as given). */
export function socialConnectorsOf(t: TestApp, limits: { timeoutMs?: number; maxBytes?: number; clockSkewSeconds?: number } = {}): SocialConnectors {
  return createSocialConnectors({
    db: t.db,
    keyring: t.keyring,
    egress: t.egress,
    clockSkewSeconds: limits.clockSkewSeconds ?? t.config.VERITY_SOCIAL_CLOCK_SKEW_SECONDS,
    timeoutMs: limits.timeoutMs ?? t.config.VERITY_SOCIAL_TIMEOUT_MS,
    maxBytes: limits.maxBytes ?? 1024 * 1024,
  });
}

/** Creates a social connector (C1); standard factories get a unique target unless metadata says one. */
export async function createSocialConnector(
  t: TestApp,
  token: string,
  connectorId: string,
  config: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): Promise<{ id: string; target: string }> {
  const standard = connectorId === 'oidc' || connectorId === 'oauth2';
  const meta = metadata ?? (standard ? { target: `${connectorId}-${crypto.randomBytes(4).toString('hex')}` } : undefined);
  const response = await managementCall(t, token, 'POST', '/api/connectors', { connectorId, config, ...(meta ? { metadata: meta } : {}) });
  if (response.status !== 200) throw new Error(`create ${connectorId}: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.id, target: response.body.target };
}

/** A fresh state and a redirect URI the IdP will send the browser back to (never fetched). */
export const REDIRECT_URI = 'https://rp.example.test/callback';
export const newState = () => crypto.randomBytes(12).toString('base64url');

/** The stored connector, or a failed test. */
export async function found(connectors: SocialConnectors, id: string): Promise<SocialConnector> {
  const connector = await connectors.find(id);
  if (!connector) throw new Error(`no social connector ${id}`);
  return connector;
}

/** One whole authorization up to the callback: the connector's URI, the login `login` plays at the IdP,
 *  and the parameters the IdP sent back. */
export async function authorizeAt(
  connectors: SocialConnectors,
  connectorId: string,
  login: (uri: string) => Promise<{ params: Record<string, string> }>,
): Promise<{ connector: SocialConnector; uri: URL; session: SocialSession; params: Record<string, string> }> {
  const connector = await found(connectors, connectorId);
  const { uri, session } = await connector.authorizationUri({ state: newState(), redirectUri: REDIRECT_URI });
  const { params } = await login(uri);
  return { connector, uri: new URL(uri), session, params };
}
