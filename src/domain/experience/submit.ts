// Use case E4 (POST /api/experience/submit). SignIn / Register: the staged profile is written to
// the identified user (uniqueness decided by the indexes), the interaction state is removed, and
// the OIDC interaction is finished for the user, bound to the browser that submits (only its cookie
// resumes it, oidc/interaction.ts) → {redirectTo}. ForgotPassword: the staged password
// replaces the user's, the user's other sessions and tokens are revoked, the state is removed.
// MFA (mfa-rules.ts): a user with MFA on must have proven a factor; the user must leave with the
// factors the policy asks for; staged factors and a skip are written with the user, in one
// transaction. The finished interaction says how the user signed in (amr.ts → ID token `amr`).
// Throws LogtoError session.identifier_not_found (404), session.mfa.require_mfa_verification (403),
// user.missing_profile (422), user.*_already_in_use (422), session.mfa.mfa_factor_not_enabled (400),
// user.missing_mfa (422), session.mfa.backup_code_required (422), user.totp_already_in_use (422),
// user.new_password_required_in_profile (422), session.interaction_not_found (404),
// session.not_found (400: the OIDC interaction is gone).
import { errors } from 'oidc-provider';
import type { Queryable } from '../../storage/db.ts';
import * as factors from '../../storage/repos/mfa-factors.ts';
import * as users from '../../storage/repos/users.ts';
import { finishInteraction } from '../../oidc/interaction.ts';
import { LogtoError, sessionNotFound } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { userWriteError } from '../users/errors.ts';
import { carriedWritten } from '../audit/index.ts';
import { audited, type Carry } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { missingProfile } from './profile-rules.ts';
import type { EffectiveSignInExperience } from '../sign-in-experience/index.ts';
import type { SignUp } from '../sign-in-experience/schema.ts';
import { amrOf } from './amr.ts';
import { boundFactors } from './mfa.ts';
import { ssoProven } from './sso-rules.ts';
import { stagedIdentityFields } from './social-identify.ts';
import { assertMfaFulfilled, assertMfaVerified, assertStagedEnabled, stagedTypes } from './mfa-rules.ts';
import type { ExperienceState, StagedMfa } from './state.ts';
import { changeExperience, identifiedUserRow, loadSnapshot, newRecordId, removeExperience, type InteractionContext, type Snapshot } from './store.ts';

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
    ...stagedIdentityFields(p),
    username: p.username,
    primary_email: p.primaryEmail,
    primary_phone: p.primaryPhone,
    password_hash: p.passwordHash,
    name: p.name,
    avatar: p.avatar,
    last_sign_in_at: deps.clock.now(),
    ...(state.mfa?.mfaSkipped ? { mfa_skipped: true } : {}),
  };
}

/** E4's checks of the user with what is staged, in the spec's order: MFA proven, profile complete,
 *  staged factors enabled, the MFA policy fulfilled. */
async function judge(
  q: Queryable,
  context: InteractionContext | undefined,
  sie: EffectiveSignInExperience,
  user: users.UserRow,
  state: ExperienceState,
): Promise<void> {
  const { mfa } = sie;
  const bound = await boundFactors(q, user.id, mfa, { whenEnabled: !stagedTypes(state.mfa).length, context });
  // A verified enterprise SSO sign-in skips MFA verification, mandatory profile and mandatory MFA.
  const sso = ssoProven(state, user.id);
  assertMfaVerified(mfa, bound, state, user.id);
  if (!sso) assertProfile(sie.signUp, user, state);
  assertStagedEnabled(mfa, state.mfa);
  if (!sso) assertMfaFulfilled(mfa, bound, state.mfa, user.mfa_skipped);
}

/** Writes the factors staged by E22 (inside submit's transaction); a second TOTP → 422. */
async function writeStagedFactors(deps: ExperienceDeps, q: Queryable, userId: string, staged: StagedMfa | undefined): Promise<void> {
  if (!staged) return;
  const now = deps.clock.now();
  try {
    if (staged.totp) await factors.insertTotp(q, { id: newRecordId(), userId, sealedSecret: staged.totp.secret, step: staged.totp.step, now });
    for (const credential of staged.webAuthn ?? []) await factors.insertWebAuthn(q, { id: newRecordId(), userId, now, ...credential });
    if (staged.backupCode) await factors.replaceBackupCodes(q, { id: newRecordId(), userId, now, codes: staged.backupCode.codes });
  } catch (error) {
    const which = factors.mfaUniqueViolationOf(error);
    if (which === 'totp') throw new LogtoError('user.totp_already_in_use');
    if (which === 'credential') throw new LogtoError('session.mfa.webauthn_verification_failed');
    if (which === 'backup') throw new LogtoError('user.backup_code_already_in_use');
    throw error;
  }
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
  const sie = await getSignInExperience(deps.db);
  const { state } = snapshot;
  if (!state.userId) throw new LogtoError('session.identifier_not_found');
  const user = await identifiedUserRow(deps, context, state.userId);
  await judge(deps.db, context, sie, user, state);
  let done: Submitted | undefined;
  // Staged factors are written with the user in the locked path's transaction.
  if (!stagedTypes(state.mfa).length) {
    try {
      const removed = await removeExperience<users.UserRow>(deps, context, snapshot, users.userUpdate(user.id, fieldsOf(deps, state), deps.clock.now(), 4));
      if (removed) done = { ...removed, userId: user.id, amr: amrOf(state, user) };
    } catch (error) {
      throw error instanceof LogtoError ? error : userWriteError(error);
    }
  }
  done ??= await lockedSubmit(deps, context, sie);
  // The success row rides on the statement that writes the finished interaction (its last write).
  const audit = carry();
  try {
    const finished = await finishInteraction(deps.provider, context.uid, {
      accountId: done.userId,
      amr: done.amr,
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

/** Who signed in (the user as updated, null when it vanished meanwhile), how, and the binding it held. */
interface Submitted {
  userId: string;
  user: users.UserRow | null;
  binding: string;
  amr: string[];
}

/** submitSignIn under the row lock, on the state as it is now, with the staged factors. */
async function lockedSubmit(deps: ExperienceDeps, context: InteractionContext, sie: EffectiveSignInExperience): Promise<Submitted> {
  return changeExperience(deps, context, async (state, q, binding) => {
    if (!state.userId) throw new LogtoError('session.identifier_not_found');
    const user = await users.findUser(q, state.userId);
    if (!user) throw new LogtoError('session.identifier_not_found');
    await judge(q, undefined, sie, user, state);
    let updated: users.UserRow | null;
    try {
      updated = await users.updateUser(q, user.id, fieldsOf(deps, state), deps.clock.now());
    } catch (error) {
      throw userWriteError(error);
    }
    await writeStagedFactors(deps, q, user.id, state.mfa);
    return { state: null, result: { userId: user.id, user: updated, binding, amr: amrOf(state, user) } };
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
