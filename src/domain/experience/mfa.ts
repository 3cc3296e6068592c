// Use cases E22 (POST /api/experience/profile/mfa: stage a verified new factor for the user) and
// E23 (POST …/profile/mfa/mfa-skipped: stage the user's choice not to bind one), both behind Guard P
// (experience-api.md): not ForgotPassword, an identified user, and a proven factor when the user
// has MFA on. Nothing is written to the user here; submit writes what is staged. Each bind is
// audited (Interaction.<event>.BindMfa.<factor>.Submit).
// Throws LogtoError session.not_supported_for_forgot_password (400), session.identifier_not_found
// (404), session.mfa.require_mfa_verification (403), session.verification_session_not_found (404),
// session.verification_failed (400), session.mfa.pending_info_not_found (400),
// session.mfa.mfa_factor_not_enabled (400), user.totp_already_in_use (422),
// session.mfa.backup_code_can_not_be_alone (422), session.mfa.mfa_policy_not_user_controlled (422),
// session.interaction_not_found (404).
import type { Queryable } from '../../storage/db.ts';
import { factorSummaries } from '../../storage/repos/mfa-factors.ts';
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import type { Mfa } from '../sign-in-experience/schema.ts';
import { methodOf, type VerificationRecord } from '../verification/index.ts';
import type { MfaFactorType, StagedFactor } from '../verification/types.ts';
import { audited } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { assertMfaVerified, type BoundFactor } from './mfa-rules.ts';
import { recordById, type ExperienceState, type StagedMfa } from './state.ts';
import { loadSnapshot, readFactors, updateExperience, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

/** The user's bound factors: as the request's first read fetched them (`context`), else read now;
 *  none are read when the sign-in experience enables no factor and the caller only judges MFA
 *  (`whenEnabled`). */
export async function boundFactors(
  q: Queryable,
  userId: string,
  settings: Mfa,
  options: { whenEnabled?: boolean; context?: InteractionContext } = {},
): Promise<BoundFactor[]> {
  if ((options.whenEnabled ?? true) && settings.factors.length === 0) return [];
  return readFactors(options.context, userId) ?? (await factorSummaries(q, userId));
}

/** The identified user's id (the MFA verification routes need one); throws session.identifier_not_found. */
export function identifiedUserId(state: ExperienceState): string {
  if (!state.userId) throw new LogtoError('session.identifier_not_found');
  return state.userId;
}

/**
 * E13, E15, E17, E19: an audited attempt that starts a factor for the identified user and stores its
 * record; the answer is the record's id with what the start shows once (a secret and its QR code,
 * a challenge's options, backup codes).
 */
export async function startFactor<R extends VerificationRecord, X extends object>(
  deps: ExperienceDeps,
  context: InteractionContext,
  method: R['type'],
  start: (userId: string) => Promise<{ record: R; shown: X }>,
): Promise<{ verificationId: string } & X> {
  let shown: X | undefined;
  const { verificationId } = await attempt<R>(deps, context, { method, action: 'Create', forUser: true }, async (state) => {
    const started = await start(identifiedUserId(state));
    shown = started.shown;
    return started.record;
  });
  return { verificationId, ...shown! };
}

/** Guard P: the identified user's id and bound factors, or the guard's error. */
async function guardP(
  deps: ExperienceDeps,
  context: InteractionContext,
  state: ExperienceState,
  settings: Mfa,
): Promise<{ userId: string; bound: BoundFactor[] }> {
  if (state.interactionEvent === 'ForgotPassword') throw new LogtoError('session.not_supported_for_forgot_password');
  const userId = identifiedUserId(state);
  const bound = await boundFactors(deps.db, userId, settings, { whenEnabled: false, context });
  assertMfaVerified(settings, bound, state, userId);
  return { userId, bound };
}

/** E24 (SignIn): the identified user must have proven a factor when it has MFA on. */
export async function assertProfileMfa(deps: ExperienceDeps, context: InteractionContext, state: ExperienceState): Promise<void> {
  if (state.interactionEvent !== 'SignIn' || !state.userId) return;
  const { mfa } = await getSignInExperience(deps.db);
  assertMfaVerified(mfa, await boundFactors(deps.db, state.userId, mfa, { context }), state, state.userId);
}

/** The staged MFA with `factor` added: one TOTP, passkeys appended (once each), a backup-code set
 *  replacing a staged one. */
function withStaged(staged: StagedMfa | undefined, factor: StagedFactor): StagedMfa {
  const current = staged ?? {};
  switch (factor.type) {
    case 'Totp':
      return { ...current, totp: { secret: factor.secret, ...(factor.step === undefined ? {} : { step: factor.step }) } };
    case 'WebAuthn': {
      const others = (current.webAuthn ?? []).filter((c) => c.credentialId !== factor.credential.credentialId);
      return { ...current, webAuthn: [...others, factor.credential] };
    }
    case 'BackupCode':
      return { ...current, backupCode: { codes: factor.codes } };
  }
}

/** Throws what the factor's own rules refuse: a second TOTP, backup codes with no other factor. */
function assertBindable(type: MfaFactorType, bound: readonly BoundFactor[], staged: StagedMfa | undefined): void {
  if (type === 'Totp' && bound.some((f) => f.type === 'Totp')) throw new LogtoError('user.totp_already_in_use');
  if (type === 'BackupCode') {
    const other = bound.some((f) => f.type !== 'BackupCode') || Boolean(staged?.totp) || Boolean(staged?.webAuthn?.length);
    if (!other) throw new LogtoError('session.mfa.backup_code_can_not_be_alone');
  }
}

export async function bindMfa(deps: ExperienceDeps, context: InteractionContext, type: MfaFactorType, verificationId: string): Promise<void> {
  const snapshot = await loadSnapshot(deps, context);
  const { state } = snapshot;
  const key = `Interaction.${state.interactionEvent}.BindMfa.${type}.Submit` as const;
  await audited(deps, context, { key, method: type, userId: state.userId ?? null }, async (carry) => {
    const { mfa } = await getSignInExperience(deps.db);
    const { bound } = await guardP(deps, context, state, mfa);
    const factorOf = (current: ExperienceState) => {
      const record = recordById(current, verificationId, type);
      return methodOf(record).mfa!.staged(record);
    };
    factorOf(state);
    if (!mfa.factors.includes(type)) throw new LogtoError('session.mfa.mfa_factor_not_enabled');
    assertBindable(type, bound, state.mfa);
    await updateExperience(
      deps,
      context,
      snapshot,
      (current) => {
        const factor = factorOf(current); // replaced meanwhile → 404
        assertBindable(type, bound, current.mfa);
        return { ...current, mfa: withStaged(current.mfa, factor) };
      },
      carry(state.userId),
    );
  });
}

export async function skipMfa(deps: ExperienceDeps, context: InteractionContext): Promise<void> {
  const snapshot = await loadSnapshot(deps, context);
  const { mfa } = await getSignInExperience(deps.db);
  await guardP(deps, context, snapshot.state, mfa);
  if (mfa.policy !== 'UserControlled') throw new LogtoError('session.mfa.mfa_policy_not_user_controlled');
  await updateExperience(deps, context, snapshot, (current) => ({ ...current, mfa: { ...current.mfa, mfaSkipped: true } }));
}
