// Owns how the Account API's password check (A1) counts in the identifier lockout it shares with the
// Experience API (experience/lockout.ts): keyed on the user, so a failure counts under the user's own
// key (the one MFA checks count under, experience/mfa-lockout.ts) and under each identifier the user
// signs in with (its username, primary email and primary phone, normalised as the lockout does).
// Any of them blocked refuses the check, even with the right password; so wrong A1 passwords block
// the Experience sign-ins by those identifiers, and wrong sign-ins by one of them block A1. A success
// forgets the failures of each.
// Throws LogtoError session.verification_blocked_too_many_attempts (400) and the check's own code.
import type { UserRow } from '../../storage/repos/users.ts';
import { ownLockoutIdentifier, type LockoutDeps } from '../experience/lockout.ts';
import { underLockout } from '../experience/verification.ts';
import type { Identifier } from '../verification/types.ts';

type LockoutUser = Pick<UserRow, 'id' | 'username' | 'primary_email' | 'primary_phone'>;

/** Every identifier the user's password failures count under (see the header). */
export function userLockoutIdentifiers(user: LockoutUser): Identifier[] {
  const identifiers = [ownLockoutIdentifier(user.id)];
  if (user.username) identifiers.push({ type: 'username', value: user.username });
  if (user.primary_email) identifiers.push({ type: 'email', value: user.primary_email });
  if (user.primary_phone) identifiers.push({ type: 'phone', value: user.primary_phone });
  return identifiers;
}

/** Runs a password check of the user under the lockout of all its identifiers. */
export function underUserLockout<T>(deps: LockoutDeps, user: LockoutUser, check: () => Promise<T>): Promise<T> {
  return underLockout(deps, userLockoutIdentifiers(user), check);
}
