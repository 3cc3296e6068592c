// Owns how MFA code checks (TOTP, backup codes) count in the identifier lockout (lockout.ts): a
// refused code counts under the identifier the user signed in with in this interaction — the one
// password and code checks count under — and under one of the user's own, derived from its id, that
// no record a client puts in the interaction can move. Either being blocked refuses the check.
// Throws LogtoError session.verification_blocked_too_many_attempts (400) and the check's own code.
import { LogtoError, type LogtoErrorCode } from '../errors.ts';
import type { Identifier } from '../verification/types.ts';
import type { ExperienceDeps } from './deps.ts';
import { clearFailures, keyOf, ownLockoutIdentifier, recordFailure } from './lockout.ts';
import type { ExperienceState } from './state.ts';
import { underLockout } from './verification.ts';

/**
 * The identifier an MFA check's failures count under (the lockout password and code checks share,
 * lockout.ts): the one the user was identified by in this interaction (a password or code record
 * naming the user), else one of the user's own, derived from its id (a username never contains ':').
 */
export function mfaLockoutIdentifier(state: ExperienceState, userId: string): Identifier {
  for (const record of state.verificationRecords) {
    if (record.type === 'Password' && record.userId === userId) return record.identifier;
  }
  const code = state.verificationRecords.find((r) => (r.type === 'EmailVerificationCode' || r.type === 'PhoneVerificationCode') && r.verified);
  if (code && 'identifier' in code) return code.identifier;
  return ownLockoutIdentifier(userId);
}

/** The identifiers an MFA check of the user counts under: the one the user signed in with
 *  (mfaLockoutIdentifier) and one of the user's own that no record of the interaction can change. */
export function mfaLockoutIdentifiers(state: ExperienceState, userId: string): Identifier[] {
  const own = mfaLockoutIdentifier({ ...state, verificationRecords: [] }, userId); // no record names it
  const named = mfaLockoutIdentifier(state, userId);
  return named.type === own.type && named.value === own.value ? [own] : [own, named];
}

/**
 * Runs an MFA code check (a backup code, a new TOTP secret) under the lockout of both identifiers
 * (mfaLockoutIdentifiers). The user's own key is why a client that swaps the interaction's records
 * (a Password record of another account, verified codes of fresh addresses) to change the first
 * still gets no more than the limit's guesses at the user's factor.
 */
export function underMfaLockout<T>(deps: ExperienceDeps, state: ExperienceState, userId: string, check: () => Promise<T>): Promise<T> {
  const [own, named] = mfaLockoutIdentifiers(state, userId);
  // The user's own key outside: a failure that blocks the named identifier is already answered as
  // blocked (and the named identifier's lockout is the one shared with the password checks).
  return underLockout(deps, own!, () => (named ? underLockout(deps, named, check) : check()));
}

/** A refused MFA code, counted under both identifiers: throws the block when one is (now) blocked,
 *  else `code`. */
export async function mfaFailure(deps: ExperienceDeps, state: ExperienceState, userId: string, code: LogtoErrorCode): Promise<never> {
  let blocked = false;
  for (const identifier of mfaLockoutIdentifiers(state, userId)) blocked = (await recordFailure(deps, identifier)).blocked || blocked;
  throw new LogtoError(blocked ? 'session.verification_blocked_too_many_attempts' : code);
}

/** The lockout keys of both identifiers, for a statement that judges them itself (a gate). */
export const mfaLockoutKeys = (deps: ExperienceDeps, state: ExperienceState, userId: string): string[] =>
  mfaLockoutIdentifiers(state, userId).map((identifier) => keyOf(deps, identifier));

/** Forgets both identifiers' failures after a success (a running block stays). */
export async function mfaSuccess(deps: ExperienceDeps, state: ExperienceState, userId: string): Promise<void> {
  for (const identifier of mfaLockoutIdentifiers(state, userId)) await clearFailures(deps, identifier);
}
