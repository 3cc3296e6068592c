// Use cases: GET /api/users/{userId}, GET /api/users (search, newest first), GET …/has-password.
// Throws LogtoError entity.not_found (404), request.invalid_input (400: bad search syntax, or a
// pattern PostgreSQL rejects).
import { listSsoIdentities } from '../../storage/repos/identities.ts';
import * as repo from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { runningSearch, type Search } from '../search.ts';
import type { UserSearchField } from '../../storage/repos/users.ts';
import { toUserView, type UserDeps, type UserView } from './view.ts';

export async function findUserRow(deps: Pick<UserDeps, 'db'>, id: string): Promise<repo.UserRow> {
  const row = await repo.findUser(deps.db, id);
  if (!row) throw new LogtoError('entity.not_found');
  return row;
}

/** The user; with includeSsoIdentities, also its enterprise SSO identities (Logto's shape). */
export async function getUser(
  deps: UserDeps,
  id: string,
  includeSsoIdentities = false,
): Promise<UserView & { ssoIdentities?: Record<string, unknown>[] }> {
  const user = toUserView(await findUserRow(deps, id));
  if (!includeSsoIdentities) return user;
  const ssoIdentities = (await listSsoIdentities(deps.db, id)).map((row) => ({
    tenantId: 'default',
    id: row.id,
    userId: row.user_id,
    issuer: row.issuer,
    identityId: row.identity_id,
    detail: row.detail,
    createdAt: new Date(row.created_at).getTime(),
    ssoConnectorId: row.sso_connector_id,
  }));
  return { ...user, ssoIdentities };
}

export async function userHasPassword(deps: UserDeps, id: string): Promise<{ hasPassword: boolean }> {
  return { hasPassword: (await findUserRow(deps, id)).password_hash !== null };
}

export async function listUsers(
  deps: UserDeps,
  search: Search<UserSearchField> | null,
  page: { limit: number; offset: number },
): Promise<{ users: UserView[]; total: number }> {
  const { rows, total } = await runningSearch(() => repo.listUsers(deps.db, search, page));
  return { users: rows.map(toUserView), total };
}
