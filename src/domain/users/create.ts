// Use case: POST /api/users. Creates a user with an optional password (hashed as argon2id) or an
// imported digest (kept in its own encoding and upgraded on the next successful verification).
// Throws LogtoError user.password_and_digest, user.password_algorithm_required, guard.invalid_input
// (digest not in its algorithm's format, or Bcrypt: no bcrypt implementation is installed),
// user.*_already_in_use (422, decided by the unique indexes), user.password_hashing_busy (503).
import { encodeImportedDigest, hashPassword, type LegacyAlgorithm } from '../../crypto/passwords.ts';
import * as repo from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { mappingUserErrors } from './errors.ts';
import { newUserId, toUserView, type UserDeps, type UserView } from './view.ts';

export interface CreateUserInput {
  username?: string;
  primaryEmail?: string;
  primaryPhone?: string;
  password?: string;
  passwordDigest?: string;
  passwordAlgorithm?: LegacyAlgorithm;
  name?: string | null;
  avatar?: string | null;
  customData?: Record<string, unknown>;
  profile?: Record<string, unknown>;
}

async function passwordHashOf(deps: UserDeps, input: CreateUserInput): Promise<string | undefined> {
  if (input.password !== undefined && input.passwordDigest !== undefined) throw new LogtoError('user.password_and_digest');
  if (input.password !== undefined) return mappingUserErrors(() => hashPassword(input.password!, deps.passwords));
  if (input.passwordDigest === undefined) return undefined;
  if (!input.passwordAlgorithm) throw new LogtoError('user.password_algorithm_required');
  const encoded = encodeImportedDigest(input.passwordAlgorithm, input.passwordDigest);
  if (!encoded) {
    throw new LogtoError('guard.invalid_input', {
      passwordDigest:
        input.passwordAlgorithm === 'Bcrypt'
          ? 'Bcrypt digests cannot be imported: this server has no bcrypt implementation'
          : `not a ${input.passwordAlgorithm} digest`,
    });
  }
  return encoded;
}

export async function createUser(deps: UserDeps, input: CreateUserInput): Promise<UserView> {
  const passwordHash = await passwordHashOf(deps, input);
  const fields: repo.UserFields = {
    username: input.username,
    primary_email: input.primaryEmail,
    primary_phone: input.primaryPhone,
    name: input.name,
    avatar: input.avatar === '' ? null : input.avatar,
    custom_data: input.customData,
    profile: input.profile,
    password_hash: passwordHash,
  };
  // Ids are random (62 bits); a collision only costs another try.
  for (let attempt = 0; ; attempt += 1) {
    try {
      return toUserView(await repo.insertUser(deps.db, newUserId(), fields, deps.clock.now()));
    } catch (error) {
      if (repo.uniqueViolationOf(error) === 'id' && attempt < 3) continue;
      return mappingUserErrors(() => Promise.reject(error));
    }
  }
}
