// Use cases of the Management API's identities routes (management-core-api.md §3 "Identities"): put a
// user's social identity as given, link one from a social connector's callback data, unlink one. The
// database keeps one provider account to one user (migration 017's user_social_identities): a clash is
// its unique violation, mapped by userWriteError, so concurrent links cannot both win. Each change is
// audited (User.Identity.Create / User.Identity.Delete, method = the target).
// Throws LogtoError entity.not_found (404: no such user, or no such connector), user.identity_not_exist
// (404), user.identity_already_in_use, session.invalid_connector_id (422), and the social connector's
// errors (domain/social/types.ts).
import { removeSocialIdentity, setSocialIdentity } from '../../storage/repos/identities.ts';
import { findUser, type UserIdentity } from '../../storage/repos/users.ts';
import { recordAudit } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { SocialConnectors, SocialUserInfo } from '../social/types.ts';
import { mappingUserErrors } from './errors.ts';
import type { MfaChangeBy } from './mfa.ts';
import { findUserRow } from './read.ts';
import { toUserView, type UserDeps, type UserView } from './view.ts';

export interface UserIdentityDeps extends UserDeps {
  social: SocialConnectors;
}

/** Who made the change, for the audit row. */
export type IdentityChangeBy = MfaChangeBy;

const audit = (deps: UserDeps, key: 'User.Identity.Create' | 'User.Identity.Delete', userId: string, target: string, by: IdentityChangeBy) =>
  recordAudit(deps, { key, result: 'Success', userId, method: target, ...by });

async function setIdentity(deps: UserDeps, userId: string, target: string, identity: UserIdentity, by: IdentityChangeBy) {
  const row = await mappingUserErrors(() => setSocialIdentity(deps.db, userId, target, identity, deps.clock.now()));
  if (!row) throw new LogtoError('entity.not_found');
  await audit(deps, 'User.Identity.Create', userId, target, by);
  return row.identities;
}

/** PUT /api/users/{userId}/identities/{target}: the identities, and whether this target is new. */
export async function putIdentity(
  deps: UserDeps,
  userId: string,
  target: string,
  identity: UserIdentity,
  by: IdentityChangeBy,
): Promise<{ identities: Record<string, UserIdentity>; created: boolean }> {
  const before = await findUserRow(deps, userId);
  const identities = await setIdentity(deps, userId, target, identity, by);
  return { identities, created: !(target in before.identities) };
}

/** What is kept of the provider's user (Logto keeps the whole social user info as details). */
const detailsOf = (info: SocialUserInfo): Record<string, unknown> => ({ ...info });

/**
 * POST /api/users/{userId}/identities: the provider's user behind `connectorData`, linked under the
 * connector's target. Logto hands the connector no session here; so does Verity, so only connectors
 * that need none answer (OAuth 2.0 and GitHub, given `connectorData.redirectUri`); OIDC ones (Google
 * included) need the nonce of an authorization and answer session.connector_validation_session_not_found.
 */
export async function linkIdentity(
  deps: UserIdentityDeps,
  userId: string,
  connectorId: string,
  connectorData: Record<string, unknown>,
  by: IdentityChangeBy,
): Promise<Record<string, UserIdentity>> {
  const [connector, user] = await Promise.all([deps.social.find(connectorId), findUser(deps.db, userId)]);
  if (!connector) {
    if (await deps.social.isNonSocial(connectorId)) throw new LogtoError('session.invalid_connector_id', { connectorId });
    throw new LogtoError('entity.not_found');
  }
  if (!user) throw new LogtoError('entity.not_found');
  const info = await connector.userInfo(undefined, connectorData);
  return setIdentity(deps, userId, connector.target, { userId: info.id, details: detailsOf(info) }, by);
}

/** DELETE /api/users/{userId}/identities/{target}: the user without it. */
export async function unlinkIdentity(deps: UserDeps, userId: string, target: string, by: IdentityChangeBy): Promise<UserView> {
  const row = await removeSocialIdentity(deps.db, userId, target, deps.clock.now());
  if (!row) {
    await findUserRow(deps, userId);
    throw new LogtoError('user.identity_not_exist');
  }
  await audit(deps, 'User.Identity.Delete', userId, target, by);
  return toUserView(row);
}
