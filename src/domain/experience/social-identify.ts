// Owns what a verified Social record does to the interaction (experience-api.md E3's Social rules,
// E24 `social`, E4): which user it signs in, what it stages, and what submit writes.
//   - SignIn: the user linked to the provider account. None → 404 user.identity_not_exist, naming in
//     `data.relatedUser` the user who has the provider's phone or email, when one does; the client may
//     then retry with `linkSocialIdentity: true`, which identifies that user and stages the link.
//     The email and phone are the provider's *verified* ones only (social/types.ts: an unverified
//     one never reaches the record), and nothing links by email without that explicit retry.
//   - An existing user's name and avatar are staged when the connector's syncProfile is on.
//   - E24 `social` stages the identity (and, with no user yet, the provider's email / phone when no
//     other user has them, name and avatar); it never overwrites a field already staged.
//   - E4 writes a staged identity with the rest of the user's update: the unique index on provider
//     accounts decides a race (→ 422 user.identity_already_in_use, users/errors.ts).
// Throws LogtoError session.not_supported_for_forgot_password (422), session.verification_failed
// (400), user.identity_not_exist (404), user.suspended (401), session.identity_conflict (409),
// session.verification_session_not_found (404), user.identity_already_in_use (422).
import type { Queryable } from '../../storage/db.ts';
import { findUserBySocialIdentity } from '../../storage/repos/identities.ts';
import { findUserByIdentifier, type UserFields, type UserIdentity, type UserRow } from '../../storage/repos/users.ts';
import { recordAudit } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import { identityOf, isVerifiedSocial, newUserFieldsOf, providerIdentifiers, type SocialRecord, type VerifiedSocialRecord } from '../verification/social.ts';
import type { Carry } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById, type ExperienceState, type Profile } from './state.ts';
import { updateExperience, type InteractionContext, type Snapshot } from './store.ts';

/** The user who has the provider's (verified) phone, else email (Logto's order); null when none does. */
export async function relatedUserOf(q: Queryable, record: VerifiedSocialRecord): Promise<{ type: 'email' | 'phone'; value: string; user: UserRow } | null> {
  const { email, phone } = providerIdentifiers(record.userInfo);
  for (const [type, value] of [['phone', phone], ['email', email]] as const) {
    const user = value ? await findUserByIdentifier(q, { type, value }) : null;
    if (user) return { type, value: value!, user };
  }
  return null;
}

/** `fields` without those already staged in `profile` (E24 `social` never overwrites). */
const unstaged = (profile: Profile, fields: Profile): Profile =>
  Object.fromEntries(Object.entries(fields).filter(([key, value]) => value !== undefined && profile[key as keyof Profile] === undefined)) as Profile;

/** What an existing user gets from the provider: name and avatar when the connector syncs profiles. */
function syncedProfile(record: VerifiedSocialRecord): Profile {
  const { name, avatar } = record.userInfo;
  return record.syncProfile ? { ...(name ? { name } : {}), ...(avatar ? { avatar } : {}) } : {};
}

const stagedIdentityOf = (record: VerifiedSocialRecord): Profile => ({ socialIdentity: { target: record.target, userInfo: record.userInfo } });

/** The audit identifier of a social record: the connector's target (never a token). */
export const socialAuditIdentifier = (record: SocialRecord) => (record.target ? { type: 'social', value: record.target } : undefined);

/** A staged link, on record when it is staged (written at submit). */
async function auditLink(deps: ExperienceDeps, context: InteractionContext, state: ExperienceState, record: VerifiedSocialRecord, userId: string | null) {
  await recordAudit(deps, {
    key: `Interaction.${state.interactionEvent}.Profile.Update`,
    result: 'Success',
    userId,
    applicationId: context.applicationId,
    interactionId: context.uid,
    method: 'Social',
    identifier: socialAuditIdentifier(record) ?? null,
    ip: context.ip,
    userAgent: context.userAgent,
  });
}

/** E3 SignIn / ForgotPassword with a Social record (identify.ts, after the record and mode checks). */
export async function identifyBySocial(
  deps: ExperienceDeps,
  context: InteractionContext,
  snapshot: Snapshot,
  record: SocialRecord,
  linkSocialIdentity: boolean,
  carry: Carry,
): Promise<{ created: false; userId: string }> {
  const { state } = snapshot;
  if (state.interactionEvent === 'ForgotPassword') throw new LogtoError('session.not_supported_for_forgot_password', undefined, 422);
  if (!isVerifiedSocial(record)) throw new LogtoError('session.verification_failed');
  const owner = await findUserBySocialIdentity(deps.db, record.target, record.userInfo.id);
  let user = owner;
  let link = false;
  if (!owner) {
    const related = await relatedUserOf(deps.db, record);
    if (!linkSocialIdentity || !related)
      throw new LogtoError('user.identity_not_exist', related ? { relatedUser: { type: related.type, value: related.value } } : undefined);
    user = related.user;
    link = true;
  }
  if (user!.is_suspended) throw new LogtoError('user.suspended');
  const userId = user!.id;
  const staged = { ...syncedProfile(record), ...(link ? stagedIdentityOf(record) : {}) };
  const change = (current: ExperienceState): ExperienceState => {
    if (current.userId && current.userId !== userId) throw new LogtoError('session.identity_conflict');
    return {
      ...current,
      userId,
      profile: { ...current.profile, ...unstaged(current.profile, staged) },
      verificationRecords: current.verificationRecords.map((r) => (r.id === record.id ? { ...r, userId } : r)),
    };
  };
  await updateExperience(deps, context, snapshot, change, carry(userId));
  if (link) await auditLink(deps, context, state, record, userId);
  return { created: false, userId };
}

/**
 * E24 `social`: what the verified Social record `verificationId` stages for `user` (null: nobody
 * identified yet, Register), leaving out what is already staged; `staged` puts the link on record
 * once the caller stored it.
 */
export async function socialProfileFields(
  deps: ExperienceDeps,
  context: InteractionContext,
  state: ExperienceState,
  user: UserRow | null,
  verificationId: string,
): Promise<{ fields: Profile; staged: () => Promise<void> }> {
  const record = recordById(state, verificationId, 'Social');
  if (!isVerifiedSocial(record)) throw new LogtoError('session.verification_failed');
  const owner = await findUserBySocialIdentity(deps.db, record.target, record.userInfo.id);
  if (owner && owner.id !== user?.id) throw new LogtoError('user.identity_already_in_use');
  const fields = user ? { ...stagedIdentityOf(record), ...syncedProfile(record) } : await newUserFieldsOf(deps.db, record);
  return { fields: unstaged(state.profile, fields), staged: () => auditLink(deps, context, state, record, user?.id ?? null) };
}

/** E3 Register: the new user's users.identities (undefined: none). */
/** The identities of a user registered with a staged social identity. */
export function newUserIdentities(profile: Pick<Profile, 'socialIdentity'>): Record<string, UserIdentity> | undefined {
  const staged = profile.socialIdentity;
  if (!staged) return undefined;
  const { target, identity } = identityOf(staged);
  return { [target]: identity };
}

/** E4: a staged social identity merged into the user's identities as they are when submit writes
 *  (repos/users.ts identities_merge: a link or unlink of another target meanwhile is kept). */
export function stagedIdentityFields(profile: Pick<Profile, 'socialIdentity'>): Pick<UserFields, 'identities_merge'> {
  const identities = newUserIdentities(profile);
  return identities ? { identities_merge: identities } : {};
}
