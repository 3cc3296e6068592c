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
import { audited } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { missingProfile } from './profile-rules.ts';
import { changeExperience, loadExperience, type InteractionContext } from './store.ts';

export async function submitExperience(deps: ExperienceDeps, context: InteractionContext): Promise<{ redirectTo?: string }> {
  const snapshot = await loadExperience(deps, context);
  const key = `Interaction.${snapshot.interactionEvent}.Submit` as const;
  return audited(deps, context, { key, userId: snapshot.userId ?? null }, () =>
    snapshot.interactionEvent === 'ForgotPassword' ? submitReset(deps, context) : submitSignIn(deps, context),
  );
}

async function submitSignIn(deps: ExperienceDeps, context: InteractionContext): Promise<{ redirectTo: string }> {
  const { signUp } = await getSignInExperience(deps.db);
  const { userId, binding } = await changeExperience(deps, context, async (state, q, binding) => {
    if (!state.userId) throw new LogtoError('session.identifier_not_found');
    const user = await users.findUser(q, state.userId);
    if (!user) throw new LogtoError('session.identifier_not_found');
    const p = state.profile;
    const missing = missingProfile(signUp, {
      username: user.username ?? p.username,
      primaryEmail: user.primary_email ?? p.primaryEmail,
      primaryPhone: user.primary_phone ?? p.primaryPhone,
      hasPassword: Boolean(user.password_hash ?? p.passwordHash),
    });
    if (missing.length) throw new LogtoError('user.missing_profile', { missingProfile: missing });
    const fields: users.UserFields = {
      username: p.username,
      primary_email: p.primaryEmail,
      primary_phone: p.primaryPhone,
      password_hash: p.passwordHash,
      name: p.name,
      avatar: p.avatar,
      last_sign_in_at: deps.clock.now(),
    };
    try {
      await users.updateUser(q, user.id, fields, deps.clock.now());
    } catch (error) {
      throw userWriteError(error);
    }
    return { state: null, result: { userId: user.id, binding } };
  });
  try {
    return await finishInteraction(deps.provider, context.uid, { accountId: userId, binding });
  } catch (error) {
    if (error instanceof errors.SessionNotFound) throw sessionNotFound();
    throw error;
  }
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
