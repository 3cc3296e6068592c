// Use cases: PATCH /api/users/{userId}, …/custom-data, …/profile, …/is-suspended, DELETE
// /api/users/{userId}. PATCH replaces each top-level field it carries (JSON written whole); "" or
// null clears an identifier. Throws LogtoError entity.not_found (404), user.*_already_in_use (422,
// only another user can hold a value: the unique indexes decide), user.cannot_delete_self (400).
import * as repo from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { mappingUserErrors } from './errors.ts';
import { toUserView, type UserDeps, type UserView } from './view.ts';

export interface UpdateUserInput {
  username?: string | null;
  primaryEmail?: string | null;
  primaryPhone?: string | null;
  name?: string | null;
  avatar?: string | null;
  customData?: Record<string, unknown>;
  profile?: Record<string, unknown>;
}

const cleared = (value: string | null | undefined) => (value === '' ? null : value);

async function write(deps: UserDeps, id: string, fields: repo.UserFields): Promise<repo.UserRow> {
  const row = await mappingUserErrors(() => repo.updateUser(deps.db, id, fields, deps.clock.now()));
  if (!row) throw new LogtoError('entity.not_found');
  return row;
}

export async function updateUser(deps: UserDeps, id: string, input: UpdateUserInput): Promise<UserView> {
  return toUserView(
    await write(deps, id, {
      username: cleared(input.username),
      primary_email: cleared(input.primaryEmail),
      primary_phone: cleared(input.primaryPhone),
      name: cleared(input.name),
      avatar: cleared(input.avatar),
      custom_data: input.customData,
      profile: input.profile,
    }),
  );
}

export async function updateCustomData(deps: UserDeps, id: string, customData: Record<string, unknown>) {
  return (await write(deps, id, { custom_data: customData })).custom_data;
}

export async function updateProfile(deps: UserDeps, id: string, profile: Record<string, unknown>) {
  return (await write(deps, id, { profile })).profile;
}

/** Suspending also ends the user's sessions and tokens, in the same transaction. */
export async function setSuspended(deps: UserDeps, id: string, isSuspended: boolean): Promise<UserView> {
  const row = await deps.db.tx(async (q) => {
    const updated = await repo.updateUser(q, id, { is_suspended: isSuspended }, deps.clock.now());
    if (updated && isSuspended) await repo.revokeUserSessions(q, id);
    return updated;
  });
  if (!row) throw new LogtoError('entity.not_found');
  return toUserView(row);
}

/** `callerId` is the token's subject: a caller cannot delete itself. */
export async function deleteUser(deps: UserDeps, id: string, callerId: string | undefined): Promise<void> {
  if (id === callerId) throw new LogtoError('user.cannot_delete_self');
  const deleted = await deps.db.tx(async (q) => {
    const gone = await repo.deleteUser(q, id);
    if (gone) await repo.revokeUserSessions(q, id);
    return gone;
  });
  if (!deleted) throw new LogtoError('entity.not_found');
}
