// Use case E4 (POST /api/experience/submit). SignIn / Register: the staged profile is written to
// the identified user (uniqueness decided by the indexes), the interaction state is removed, and
// the OIDC interaction is finished for the user, bound to the browser that submits (only its cookie
// resumes it, oidc/interaction.ts) → {redirectTo}. ForgotPassword: the staged password
// replaces the user's, the user's other sessions and tokens are revoked, the state is removed.
// Throws LogtoError session.identifier_not_found (404), user.missing_profile (422),
// user.*_already_in_use (422), user.new_password_required_in_profile (422),
// session.interaction_not_found (404), session.not_found (400: the OIDC interaction is gone).
import { errors } from 'oidc-provider';
import * as users from '../../storage/repos/users.ts';
import { finishInteraction } from '../../oidc/interaction.ts';
import { LogtoError, sessionNotFound } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { userWriteError } from '../users/errors.ts';
import { carriedWritten } from '../audit/index.ts';
import { audited, type Carry } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { missingProfile } from './profile-rules.ts';
import type { SignUp } from '../sign-in-experience/schema.ts';
import type { ExperienceState } from './state.ts';
import { changeExperience, loadSnapshot, removeExperience, takeReadUser, type InteractionContext, type Snapshot } from './store.ts';

export async function submitExperience(deps: ExperienceDeps, context: InteractionContext): Promise<{ redirectTo?: string }> {
  const snapshot = await loadSnapshot(deps, context);
  const { state } = snapshot;
  const key = `Interaction.${state.interactionEvent}.Submit` as const;
  return audited(deps, context, { key, userId: state.userId ?? null }, (carry) =>
    state.interactionEvent === 'ForgotPassword' ? submitReset(deps, context) : submitSignIn(deps, context, snapshot, carry),
  );
}

/** What submit writes to the user: the staged profile, and the sign-in time. */
function fieldsOf(deps: ExperienceDeps, state: ExperienceState): users.UserFields {
  const p = state.profile;
  return {
    username: p.username,
    primary_email: p.primaryEmail,
    primary_phone: p.primaryPhone,
    password_hash: p.passwordHash,
    name: p.name,
    avatar: p.avatar,
    last_sign_in_at: deps.clock.now(),
  };
}

/** Throws user.missing_profile when the user with the staged profile lacks what sign-up requires. */
function assertProfile(signUp: SignUp, user: users.UserRow, state: ExperienceState): void {
  const p = state.profile;
  const missing = missingProfile(signUp, {
    username: user.username ?? p.username,
    primaryEmail: user.primary_email ?? p.primaryEmail,
    primaryPhone: user.primary_phone ?? p.primaryPhone,
    hasPassword: Boolean(user.password_hash ?? p.passwordHash),
  });
  if (missing.length) throw new LogtoError('user.missing_profile', { missingProfile: missing });
}

/**
 * On the snapshot: the user (as read with it), judge the profile, then one statement removes the state (compare-
 * and-set) and updates the user (removeExperience). When another request changed the state first,
 * the locked path does the same on the state as it is now. Then one more writes the grant, the
 * interaction's result and the audit row (finishInteraction).
 */
async function submitSignIn(deps: ExperienceDeps, context: InteractionContext, snapshot: Snapshot, carry: Carry): Promise<{ redirectTo: string }> {
  const { signUp } = await getSignInExperience(deps.db);
  const { state } = snapshot;
  if (!state.userId) throw new LogtoError('session.identifier_not_found');
  const read = takeReadUser(context, state.userId);
  const user = read !== undefined ? read : await users.findUser(deps.db, state.userId);
  if (!user) throw new LogtoError('session.identifier_not_found');
  assertProfile(signUp, user, state);
  let done: Submitted | undefined;
  try {
    const removed = await removeExperience<users.UserRow>(deps, context, snapshot, users.userUpdate(user.id, fieldsOf(deps, state), deps.clock.now(), 4));
    if (removed) done = { ...removed, userId: user.id };
  } catch (error) {
    throw error instanceof LogtoError ? error : userWriteError(error);
  }
  done ??= await lockedSubmit(deps, context, signUp);
  // The success row rides on the statement that writes the finished interaction (its last write).
  const audit = carry();
  try {
    const finished = await finishInteraction(deps.provider, context.uid, {
      accountId: done.userId,
      binding: done.binding,
      read: { interaction: context.read?.interaction, user: done.user },
      rider: audit.insert,
    });
    carriedWritten(deps, audit);
    return finished;
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw sessionNotFound();
    throw error;
  }
}

/** Who signed in (the user as updated, null when it vanished meanwhile) and the binding it held. */
interface Submitted {
  userId: string;
  user: users.UserRow | null;
  binding: string;
}

/** submitSignIn under the row lock, on the state as it is now. */
async function lockedSubmit(deps: ExperienceDeps, context: InteractionContext, signUp: SignUp): Promise<Submitted> {
  return changeExperience(deps, context, async (state, q, binding) => {
    if (!state.userId) throw new LogtoError('session.identifier_not_found');
    const user = await users.findUser(q, state.userId);
    if (!user) throw new LogtoError('session.identifier_not_found');
    assertProfile(signUp, user, state);
    let updated: users.UserRow | null;
    try {
      updated = await users.updateUser(q, user.id, fieldsOf(deps, state), deps.clock.now());
    } catch (error) {
      throw userWriteError(error);
    }
    return { state: null, result: { userId: user.id, user: updated, binding } };
  });
}

async function submitReset(deps: ExperienceDeps, context: InteractionContext): Promise<{ redirectTo?: string }> {
  const userId = await changeExperience(deps, context, async (state, q) => {
    if (!state.userId) throw new LogtoError('session.identifier_not_found');
    if (!state.profile.passwordHash) throw new LogtoError('user.new_password_required_in_profile');
    await users.updateUser(q, state.userId, { password_hash: state.profile.passwordHash }, deps.clock.now());
    return { state: null, result: state.userId };
  });
  await users.revokeUserSessions(deps.db, userId);
  return {};
}
