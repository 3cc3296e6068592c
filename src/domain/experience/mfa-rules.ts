// Owns the MFA rules of an interaction as pure functions (experience-api.md "Guard P", E22, E23 and
// E4's MFA checks; Logto v1.22 Mfa / MfaValidator): which of a user's factors count (those the
// sign-in experience enables), whether this interaction proved one, and whether the user leaves
// the interaction with the factors the policy asks for.
// Throws LogtoError session.mfa.require_mfa_verification (403), session.mfa.mfa_factor_not_enabled
// (400), user.missing_mfa (422), session.mfa.backup_code_required (422).
import type { FactorSummary } from '../../storage/repos/mfa-factors.ts';
import { LogtoError } from '../errors.ts';
import type { Mfa } from '../sign-in-experience/schema.ts';
import { methodOf } from '../verification/index.ts';
import type { MfaFactorType } from '../verification/types.ts';
import { ssoProven } from './sso-rules.ts';
import type { ExperienceState, StagedMfa } from './state.ts';

/** A factor the user has bound, as the rules need it (a backup-code set with its unused codes). */
export type BoundFactor = FactorSummary;

/** The user's bound factors of a type the sign-in experience enables. */
function enabledBound(settings: Mfa, bound: readonly BoundFactor[]): BoundFactor[] {
  return bound.filter((f) => settings.factors.includes(f.type));
}

/** The factor types the user can verify with, each once; a backup-code set with no unused code
 *  does not count, and backup codes come last. */
export function availableFactors(settings: Mfa, bound: readonly BoundFactor[]): MfaFactorType[] {
  const usable = enabledBound(settings, bound).filter((f) => f.type !== 'BackupCode' || (f.remainCodes ?? 0) > 0);
  const types = [...new Set(usable.map((f) => f.type))];
  return [...types.filter((t) => t !== 'BackupCode'), ...types.filter((t) => t === 'BackupCode')];
}

/** Whether the user has MFA on: a factor of an enabled type it can still verify with (a set of
 *  used-up backup codes alone is none: the user is asked to bind a factor instead of being stuck). */
export const hasMfa = (settings: Mfa, bound: readonly BoundFactor[]): boolean => availableFactors(settings, bound).length > 0;

/** Whether the interaction holds a verified proof of one of the user's enabled factors (a record
 *  that sets up a new factor proves nothing). */
export function mfaProven(settings: Mfa, bound: readonly BoundFactor[], state: ExperienceState, userId: string): boolean {
  if (ssoProven(state, userId)) return true; // an enterprise SSO sign-in stands for MFA (sso-rules.ts)
  const types = new Set(enabledBound(settings, bound).map((f) => f.type));
  return state.verificationRecords.some((record) => {
    const mfa = methodOf(record).mfa;
    return mfa !== undefined && types.has(mfa.factor) && mfa.proves(record, userId);
  });
}

/** Throws session.mfa.require_mfa_verification (403, data.availableFactors) when the user has MFA
 *  on and this interaction has not proved a factor. */
export function assertMfaVerified(settings: Mfa, bound: readonly BoundFactor[], state: ExperienceState, userId: string): void {
  if (hasMfa(settings, bound) && !mfaProven(settings, bound, state, userId))
    throw new LogtoError('session.mfa.require_mfa_verification', { availableFactors: availableFactors(settings, bound) });
}

/** The factor types staged by E22. */
export function stagedTypes(staged: StagedMfa | undefined): MfaFactorType[] {
  if (!staged) return [];
  return [
    ...(staged.totp ? (['Totp'] as const) : []),
    ...(staged.webAuthn?.length ? (['WebAuthn'] as const) : []),
    ...(staged.backupCode ? (['BackupCode'] as const) : []),
  ];
}

/** Throws session.mfa.mfa_factor_not_enabled when a staged factor is not enabled (any more). */
export function assertStagedEnabled(settings: Mfa, staged: StagedMfa | undefined): void {
  if (stagedTypes(staged).some((t) => !settings.factors.includes(t))) throw new LogtoError('session.mfa.mfa_factor_not_enabled');
}

/**
 * E4: the user leaves with what the policy asks for. With factors enabled: at least one non-backup
 * factor bound or staged, unless the policy is UserControlled and the user skipped (now or
 * before) → else user.missing_mfa {availableFactors, skippable (UserControlled only)}; and backup
 * codes bound or staged when they are enabled → else session.mfa.backup_code_required.
 */
export function assertMfaFulfilled(settings: Mfa, bound: readonly BoundFactor[], staged: StagedMfa | undefined, skippedBefore: boolean): void {
  if (settings.factors.length === 0) return;
  const userControlled = settings.policy === 'UserControlled';
  if (userControlled && (staged?.mfaSkipped || skippedBefore)) return;
  const required = settings.factors.filter((f) => f !== 'BackupCode');
  const usableBound = bound.filter((f) => f.type !== 'BackupCode' || (f.remainCodes ?? 0) > 0).map((f) => f.type);
  const linked = new Set([...usableBound, ...stagedTypes(staged)]);
  if (!required.some((f) => linked.has(f)))
    throw new LogtoError('user.missing_mfa', userControlled ? { availableFactors: required, skippable: true } : { availableFactors: required });
  if (settings.factors.includes('BackupCode') && !linked.has('BackupCode')) throw new LogtoError('session.mfa.backup_code_required');
}
