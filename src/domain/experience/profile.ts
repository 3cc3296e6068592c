// Use cases E24 (POST /api/experience/profile: stage username, password, or a verified email or
// phone) and E25 (PUT …/profile/password: the new password of ForgotPassword). Nothing is written
// to the user here; submit applies the staged profile.
// Throws LogtoError session.not_supported_for_forgot_password (400), session.identifier_not_found
// (404), session.verification_session_not_found (404), session.verification_failed (400),
// user.*_already_in_use (422), user.*_exists_in_profile (422), password.rejected (422),
// user.same_password (422), session.invalid_interaction_type (400), user.password_hashing_busy (503),
// session.sso_enabled (422).
import { hashPassword, verifyPassword } from '../../crypto/passwords.ts';
import { findUserByIdentifier, type UserRow } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { assertPasswordAccepted } from '../sign-in-experience/password-check.ts';
import { mappingUserErrors } from '../users/errors.ts';
import { recordTypeOf } from '../verification/verification-code.ts';
import type { ExperienceDeps } from './deps.ts';
import { assertProfileMfa } from './mfa.ts';
import { assertNotSsoOnly, emailOf } from './sso-only.ts';
import { socialProfileFields } from './social-identify.ts';
import { recordById, type ExperienceState, type Profile } from './state.ts';
import { identifiedUserRow, loadSnapshot, updateExperience, type InteractionContext } from './store.ts';

export type ProfileInput =
  | { type: 'username'; value: string }
  | { type: 'password'; value: string }
  | { type: 'email' | 'phone'; verificationId: string }
  | { type: 'social'; verificationId: string };

/** The identified user (as read with the interaction, else now), null when none is identified. */
async function identifiedUser(deps: ExperienceDeps, context: InteractionContext, state: ExperienceState): Promise<UserRow | null> {
  return state.userId ? identifiedUserRow(deps, context, state.userId) : null;
}

export async function addProfile(deps: ExperienceDeps, context: InteractionContext, input: ProfileInput): Promise<void> {
  const snapshot = await loadSnapshot(deps, context);
  const { state } = snapshot;
  if (state.interactionEvent === 'ForgotPassword') throw new LogtoError('session.not_supported_for_forgot_password');
  if (state.interactionEvent === 'SignIn' && !state.userId) throw new LogtoError('session.identifier_not_found');
  await assertProfileMfa(deps, context, state);
  const user = await identifiedUser(deps, context, state);
  const { fields: staged, staged: done } =
    input.type === 'social' ? await socialFields(deps, context, state, user, input.verificationId) : { fields: await stagedFields(deps, state, user, input) };
  await updateExperience(deps, context, snapshot, (current) => ({ ...current, profile: { ...current.profile, ...staged } }));
  await done?.();
}

/** E24 `social`: a provider account whose verified email is of an SSO-only domain is refused, as at E3. */
async function socialFields(deps: ExperienceDeps, context: InteractionContext, state: ExperienceState, user: UserRow | null, verificationId: string) {
  await assertNotSsoOnly(deps, await getSignInExperience(deps.db), emailOf(recordById(state, verificationId, 'Social')));
  return socialProfileFields(deps, context, state, user, verificationId);
}

async function stagedFields(deps: ExperienceDeps, state: ExperienceState, user: UserRow | null, input: Exclude<ProfileInput, { type: 'social' }>): Promise<Profile> {
  switch (input.type) {
    case 'username': {
      if (user?.username) throw new LogtoError('user.username_exists_in_profile');
      if (await findUserByIdentifier(deps.db, { type: 'username', value: input.value })) throw new LogtoError('user.username_already_in_use');
      return { username: input.value };
    }
    case 'password': {
      if (user?.password_hash) throw new LogtoError('user.password_exists_in_profile');
      const { passwordPolicy } = await getSignInExperience(deps.db);
      assertPasswordAccepted(passwordPolicy, input.value, userInfo(user, state.profile));
      return { passwordHash: await mappingUserErrors(() => hashPassword(input.value, deps.passwords)) };
    }
    default: {
      const record = recordById(state, input.verificationId, recordTypeOf(input.type));
      if (!record.verified) throw new LogtoError('session.verification_failed');
      const email = input.type === 'email';
      if (email ? user?.primary_email : user?.primary_phone)
        throw new LogtoError(email ? 'user.email_exists_in_profile' : 'user.phone_exists_in_profile');
      if (email) await assertNotSsoOnly(deps, await getSignInExperience(deps.db), record.identifier.value);
      const owner = await findUserByIdentifier(deps.db, record.identifier);
      if (owner) throw new LogtoError(email ? 'user.email_already_in_use' : 'user.phone_already_in_use');
      return email ? { primaryEmail: record.identifier.value } : { primaryPhone: record.identifier.value };
    }
  }
}

const userInfo = (user: UserRow | null, profile: Profile) => ({
  username: user?.username ?? profile.username ?? null,
  primaryEmail: user?.primary_email ?? profile.primaryEmail ?? null,
  primaryPhone: user?.primary_phone ?? profile.primaryPhone ?? null,
  name: user?.name ?? profile.name ?? null,
});

export async function resetPassword(deps: ExperienceDeps, context: InteractionContext, password: string): Promise<void> {
  const snapshot = await loadSnapshot(deps, context);
  const { state } = snapshot;
  if (state.interactionEvent !== 'ForgotPassword') throw new LogtoError('session.invalid_interaction_type');
  const user = await identifiedUser(deps, context, state);
  if (!user) throw new LogtoError('session.identifier_not_found');
  const { passwordPolicy } = await getSignInExperience(deps.db);
  assertPasswordAccepted(passwordPolicy, password, userInfo(user, state.profile));
  const same = user.password_hash ? await mappingUserErrors(() => verifyPassword(user.password_hash!, password, deps.passwords)) : false;
  if (same) throw new LogtoError('user.same_password');
  const passwordHash = await mappingUserErrors(() => hashPassword(password, deps.passwords));
  await updateExperience(deps, context, snapshot, (current) => ({ ...current, profile: { ...current.profile, passwordHash } }));
}
