// Verification method Password (E6): proves the password of the user an identifier names. Unknown
// identifier and wrong password answer alike, in equal time (a dummy hash is verified when there is
// no user or no password), and both count towards the identifier's lockout.
// Throws LogtoError session.invalid_credentials (422), user.suspended (401),
// session.verification_blocked_too_many_attempts (400), user.password_hashing_busy (503).
import { z } from 'zod';
import { findUser, findUserByIdentifier, findUserByIdentifierGuarded } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { checkUserPassword } from '../users/password.ts';
import type { UserDeps } from '../users/view.ts';
import { Identifier, normalizeIdentifier, type VerificationMethod } from './types.ts';

export const PasswordRecord = z.object({
  id: z.string(),
  type: z.literal('Password'),
  identifier: Identifier,
  userId: z.string(),
  verified: z.literal(true),
});
export type PasswordRecord = z.infer<typeof PasswordRecord>;

export const passwordMethod: VerificationMethod<PasswordRecord> = {
  type: 'Password',
  schema: PasswordRecord,
  identification: {
    forgotPassword: false,
    signInMethod: (record) => ({ identifier: record.identifier.type, method: 'password' }),
    identifier: (record) => record.identifier,
    findUser: (q, record) => findUser(q, record.userId),
    named: (record) => ({ by: 'id', value: record.userId }),
  },
  authentication: (record, user) => (record.userId === user.id ? { amr: ['pwd'], factor: 'password' } : undefined),
};

/** The verified record, or an error; the caller counts failures (lockout) around it and may hand
 *  in its guard (experience/lockout.ts LockoutGuard) to have the lockout read with the user. */
export async function verifyPasswordIdentifier(
  deps: UserDeps,
  id: string,
  rawIdentifier: Identifier,
  password: string,
  lockout?: { key: string; judge(row: { blockedUntil: Date | null } | null): void },
): Promise<PasswordRecord> {
  const identifier = normalizeIdentifier(rawIdentifier);
  // With the lockout's guard, its row is read by the user lookup and judged before the password is.
  let user;
  if (lockout) {
    const read = await findUserByIdentifierGuarded(deps.db, identifier, lockout.key);
    lockout.judge(read.lockout);
    user = read.user;
  } else user = await findUserByIdentifier(deps.db, identifier);
  if (!(await checkUserPassword(deps, user, password)) || !user) throw new LogtoError('session.invalid_credentials');
  if (user.is_suspended) throw new LogtoError('user.suspended');
  return { id, type: 'Password', identifier, userId: user.id, verified: true };
}
