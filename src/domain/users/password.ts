// Use cases: PATCH /api/users/{userId}/password and POST …/password/verify. New passwords are
// argon2id; a verified hash that is not argon2id at the current parameters (imported digest, older
// parameters) is replaced, compare-and-swap, so a password changed meanwhile is never overwritten.
// Throws LogtoError entity.not_found (404), session.invalid_credentials (422: mismatch or no
// password), user.password_hashing_busy (503).
import { dummyVerify, hashPassword, matchPassword, needsRehash, PasswordPoolBusyError } from '../../crypto/passwords.ts';
import * as repo from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { mappingUserErrors } from './errors.ts';
import { findUserRow } from './read.ts';
import { toUserView, type UserDeps, type UserView } from './view.ts';

export async function setUserPassword(deps: UserDeps, id: string, password: string): Promise<UserView> {
  await findUserRow(deps, id); // 404 before spending a hash
  const passwordHash = await mappingUserErrors(() => hashPassword(password, deps.passwords));
  const row = await repo.updateUser(deps.db, id, { password_hash: passwordHash }, deps.clock.now());
  if (!row) throw new LogtoError('entity.not_found');
  return toUserView(row);
}

export async function verifyUserPassword(deps: UserDeps, id: string, password: string): Promise<void> {
  const row = await findUserRow(deps, id);
  if (!(await checkUserPassword(deps, row, password))) throw new LogtoError('session.invalid_credentials');
}

/**
 * Whether `password` is the user's. A missing user or password costs what a wrong one costs (a
 * verify against a dummy hash), so callers answer both alike in equal time. A verified hash below
 * the current parameters, or made from a password before its NFC normalisation, is upgraded.
 * Throws LogtoError user.password_hashing_busy (503).
 */
export async function checkUserPassword(deps: UserDeps, row: repo.UserRow | null, password: string): Promise<boolean> {
  const stored = row?.password_hash ?? null;
  const matched = await mappingUserErrors(async () =>
    stored === null ? dummyVerify(deps.passwords, password) : matchPassword(stored, password, deps.passwords),
  );
  if (!matched || stored === null || !row) return false;
  // A hash of the password as typed (before NFC) is replaced by one of its normalised form.
  if (needsRehash(stored) || matched === 'raw') {
    // Best effort: the password was right; a full pool only postpones the upgrade to the next verify.
    const upgraded = await hashPassword(password, deps.passwords).catch((error: unknown) => {
      if (error instanceof PasswordPoolBusyError) return null;
      throw error;
    });
    if (upgraded) await repo.replacePasswordHash(deps.db, row.id, stored, upgraded);
  }
  return true;
}
