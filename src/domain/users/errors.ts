// Owns how storage and hashing failures of user writes become Logto errors.
// Throws LogtoError user.username_already_in_use / user.email_already_in_use /
// user.phone_already_in_use / user.identity_already_in_use (422) for a unique violation, user.password_hashing_busy (503) when the
// password pool is full; anything else is rethrown unchanged.
import { PasswordPoolBusyError } from '../../crypto/passwords.ts';
import { identityViolationOf } from '../../storage/repos/identities.ts';
import { uniqueViolationOf } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';

const CONFLICT = {
  username: 'user.username_already_in_use',
  email: 'user.email_already_in_use',
  phone: 'user.phone_already_in_use',
} as const;

export function userWriteError(error: unknown): unknown {
  const violated = uniqueViolationOf(error);
  if (violated && violated !== 'id') return new LogtoError(CONFLICT[violated]);
  if (identityViolationOf(error)) return new LogtoError('user.identity_already_in_use');
  if (error instanceof PasswordPoolBusyError) return new LogtoError('user.password_hashing_busy');
  return error;
}

/** Runs fn, translating its failures with userWriteError. */
export async function mappingUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw userWriteError(error);
  }
}
