// Verification method NewPasswordIdentity (E21): a username and password for registration. The
// username must be free and the password must pass the sign-in experience's policy; only its
// argon2id hash is kept in the record. Throws LogtoError user.username_already_in_use (422),
// password.rejected (422), user.password_hashing_busy (503).
import { z } from 'zod';
import { hashPassword } from '../../crypto/passwords.ts';
import { findUserByIdentifier } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { assertPasswordAccepted } from '../sign-in-experience/password-check.ts';
import type { PasswordPolicy } from '../sign-in-experience/password-policy.ts';
import { mappingUserErrors } from '../users/errors.ts';
import type { UserDeps } from '../users/view.ts';
import type { VerificationMethod } from './types.ts';

export const NewPasswordIdentityRecord = z.object({
  id: z.string(),
  type: z.literal('NewPasswordIdentity'),
  identifier: z.object({ type: z.literal('username'), value: z.string() }),
  passwordHash: z.string(),
  verified: z.literal(true),
});
export type NewPasswordIdentityRecord = z.infer<typeof NewPasswordIdentityRecord>;

export const newPasswordIdentityMethod: VerificationMethod<NewPasswordIdentityRecord> = {
  type: 'NewPasswordIdentity',
  schema: NewPasswordIdentityRecord,
  registration: (record) => ({ username: record.identifier.value, passwordHash: record.passwordHash }),
  authentication: (record, user) => (record.identifier.value === user.username ? { amr: ['pwd'], factor: 'password' } : undefined),
};

export async function createNewPasswordIdentity(
  deps: UserDeps,
  policy: PasswordPolicy,
  id: string,
  username: string,
  password: string,
): Promise<NewPasswordIdentityRecord> {
  if (await findUserByIdentifier(deps.db, { type: 'username', value: username })) throw new LogtoError('user.username_already_in_use');
  assertPasswordAccepted(policy, password, { username });
  const passwordHash = await mappingUserErrors(() => hashPassword(password, deps.passwords));
  return { id, type: 'NewPasswordIdentity', identifier: { type: 'username', value: username }, passwordHash, verified: true };
}
