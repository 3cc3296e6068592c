// Verification method Social (Experience E9/E10, Account A4/A5): a social connector's authorization.
// The record keeps the connector session (state, PKCE verifier, nonce, redirect URI; sealed with the
// keyring, as it holds the PKCE verifier) from the authorization URI until the callback uses it,
// once: verifying replaces the session by the provider's user (domain/social/types.ts: email / phone
// only when the provider verified them), and the connector's target and syncProfile as they were
// then. A callback with no session left (a replay) is session.connector_validation_session_not_found;
// a refused callback keeps the session.
// Throws LogtoError session.insufficient_info (400), guard.invalid_input (400: a redirect URI that is
// not an absolute http(s) URL), connector.unexpected_type (400),
// session.invalid_connector_id (422), session.connector_validation_session_not_found (400),
// connector.* (the connector's refusals).
import { z } from 'zod';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Queryable } from '../../storage/db.ts';
import { findUserByIdentifier } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import type { SocialConnector, SocialConnectors, SocialSession, SocialUserInfo } from '../social/types.ts';
import { normalizeIdentifier, type NewUserFields, type StagedSocialIdentity, type VerificationMethod } from './types.ts';

const SocialSessionSchema = z.object({
  connectorId: z.string(),
  state: z.string(),
  redirectUri: z.string(),
  codeVerifier: z.string().optional(),
  nonce: z.string().optional(),
});

export const SocialUserInfoSchema = z.object({
  id: z.string(),
  email: z.string().optional(),
  phone: z.string().optional(),
  name: z.string().optional(),
  avatar: z.string().optional(),
  rawData: z.record(z.string(), z.unknown()).optional(),
});

export const SocialRecord = z.object({
  id: z.string(),
  type: z.literal('Social'),
  connectorId: z.string(),
  /** The sealed connector session (sealSession), until the callback uses it. */
  session: z.string().optional(),
  /** Once verified: the provider's user, and the connector's target and syncProfile then. */
  userInfo: SocialUserInfoSchema.optional(),
  target: z.string().optional(),
  syncProfile: z.boolean().optional(),
  /** Experience: the user E3 identified with this record (the identity's owner, or the user it links to). */
  userId: z.string().optional(),
  verified: z.boolean(),
});
export type SocialRecord = z.infer<typeof SocialRecord>;
/** A verified record: the provider's user and the connector's target are there. */
export type VerifiedSocialRecord = SocialRecord & { verified: true; userInfo: SocialUserInfo; target: string };

export const isVerifiedSocial = (record: SocialRecord): record is VerifiedSocialRecord =>
  record.verified && record.userInfo !== undefined && record.target !== undefined;

/** The identity a verified record gives a user: users.identities[target]. */
export function identityOf(staged: StagedSocialIdentity): { target: string; identity: { userId: string; details: Record<string, unknown> } } {
  const { id, email, phone, name, avatar, rawData } = staged.userInfo;
  const details = Object.fromEntries(Object.entries({ id, email, phone, name, avatar, rawData }).filter(([, v]) => v !== undefined));
  return { target: staged.target, identity: { userId: id, details } };
}

export const socialMethod: VerificationMethod<SocialRecord> = {
  type: 'Social',
  schema: SocialRecord,
  // The identity, the provider's name and avatar, and its (verified) email / phone when no other
  // user has them (as Logto: a taken address is left out, never linked by).
  registration: async (record, q): Promise<NewUserFields> => (isVerifiedSocial(record) ? newUserFieldsOf(q, record) : {}),
  // RFC 8176 `fed`: the user signed in through a federated identity provider.
  authentication: (record, user) =>
    isVerifiedSocial(record) && (record.userId === user.id || user.identities?.[record.target]?.userId === record.userInfo.id)
      ? { amr: ['fed'], factor: `social:${record.target}:${record.userInfo.id}` }
      : undefined,
};

/** What a verified record gives a user who has none of it yet: the identity, name, avatar, and the
 *  provider's (verified) email and phone when no other user has them. */
export async function newUserFieldsOf(q: Queryable, record: VerifiedSocialRecord): Promise<NewUserFields> {
  const { name, avatar } = record.userInfo;
  const free = async (type: 'email' | 'phone', value: string | undefined) => (value && !(await findUserByIdentifier(q, { type, value })) ? value : undefined);
  const { email, phone } = providerIdentifiers(record.userInfo);
  const primaryEmail = await free('email', email);
  const primaryPhone = await free('phone', phone);
  return {
    socialIdentity: { target: record.target, userInfo: record.userInfo },
    ...(primaryEmail ? { primaryEmail } : {}),
    ...(primaryPhone ? { primaryPhone } : {}),
    ...(name ? { name } : {}),
    ...(avatar ? { avatar } : {}),
  };
}

/** The provider's verified email and phone as users store them (normalizeIdentifier). */
export function providerIdentifiers(info: SocialUserInfo): { email?: string; phone?: string } {
  return {
    ...(info.email ? { email: normalizeIdentifier({ type: 'email', value: info.email }).value } : {}),
    ...(info.phone ? { phone: normalizeIdentifier({ type: 'phone', value: info.phone }).value } : {}),
  };
}

/** The social connector an authorization starts with (E9, A4): 400 connector.unexpected_type for
 *  an Email or SMS one, `unknown` (the API's own code) for none. */
export async function authorizingConnector(connectors: SocialConnectors, connectorId: string, unknown: () => LogtoError): Promise<SocialConnector> {
  const connector = await connectors.find(connectorId);
  if (connector) return connector;
  if (await connectors.isNonSocial(connectorId)) throw new LogtoError('connector.unexpected_type');
  throw unknown();
}

/** The social connector a callback is verified with (E10, A5): 422 session.invalid_connector_id for none. */
export async function verifyingConnector(connectors: SocialConnectors, connectorId: string): Promise<SocialConnector> {
  const connector = await connectors.find(connectorId);
  if (!connector) throw new LogtoError('session.invalid_connector_id', { connectorId });
  return connector;
}

const sealSession = (keyring: Keyring, session: SocialSession) => keyring.encrypt(JSON.stringify(session));
const openSession = (keyring: Keyring, sealed: string): SocialSession => SocialSessionSchema.parse(JSON.parse(keyring.decrypt(sealed)));

/** E9 / A4: a new unverified record and the URI to send the user to. */
export async function startSocialRecord(
  keyring: Keyring,
  findConnector: () => Promise<SocialConnector>,
  id: string,
  input: { state: string; redirectUri: string },
): Promise<{ record: SocialRecord; authorizationUri: string }> {
  if (!input.state || !input.redirectUri) throw new LogtoError('session.insufficient_info');
  if (!/^https?:$/.test(URL.parse(input.redirectUri)?.protocol ?? '')) throw new LogtoError('guard.invalid_input', { redirectUri: 'not an absolute http(s) URL' });
  const connector = await findConnector();
  const { uri, session } = await connector.authorizationUri(input);
  return { record: { id, type: 'Social', connectorId: connector.id, session: sealSession(keyring, session), verified: false }, authorizationUri: uri };
}

/** E10 / A5: the record verified with the provider's callback, using the session the record still holds. */
export async function verifySocialRecord(
  keyring: Keyring,
  connector: SocialConnector,
  record: SocialRecord,
  connectorData: Record<string, unknown>,
): Promise<VerifiedSocialRecord> {
  if (!record.session) throw new LogtoError('session.connector_validation_session_not_found');
  const userInfo = await connector.userInfo(openSession(keyring, record.session), connectorData);
  const { session: _used, ...rest } = record;
  return { ...rest, userInfo, target: connector.target, syncProfile: connector.syncProfile, verified: true };
}

/** Throws session.connector_validation_session_not_found when `stored` no longer holds the session
 *  `used` was verified with (another request used it meanwhile): one callback per session. */
export function assertSessionUnused(used: SocialRecord, stored: SocialRecord): void {
  if (used.session && stored.session !== used.session) throw new LogtoError('session.connector_validation_session_not_found');
}
