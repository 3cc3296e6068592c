// Owns the federated identities of users (migration 017): social identities live in
// users.identities (target → {userId, details}), indexed by user_social_identities, which triggers
// keep in step, so one provider account belongs to one user at most; enterprise SSO identities are
// rows of user_sso_identities (issuer + subject unique). Uniqueness is the database's: callers map
// SQLSTATE 23505 through identityViolationOf instead of checking first.
import { uniqueViolationText, type Queryable } from '../db.ts';
import type { UserIdentity, UserRow } from './users.ts';

/** The user a provider account (connector target + the provider's user id) is linked to. */
export async function findUserBySocialIdentity(q: Queryable, target: string, identityId: string): Promise<UserRow | null> {
  const rows = await q.query<UserRow>(
    `SELECT u.* FROM user_social_identities s JOIN users u ON u.id = s.user_id WHERE s.target = $1 AND s.identity_id = $2`,
    [target, identityId],
  );
  return rows[0] ?? null;
}

/** Links (or replaces) the user's identity of `target`; null when the user is gone. A provider account
 *  already linked to another user fails with 23505 (identityViolationOf → 'social'). */
export async function setSocialIdentity(q: Queryable, userId: string, target: string, identity: UserIdentity, now: Date): Promise<UserRow | null> {
  const rows = await q.query<UserRow>(
    `UPDATE users SET identities = jsonb_set(identities, ARRAY[$2::text], $3::jsonb), updated_at = $4 WHERE id = $1 RETURNING *`,
    [userId, target, JSON.stringify(identity), now],
  );
  return rows[0] ?? null;
}

/** Unlinks the user's identity of `target`; null when the user is gone or had none. */
export async function removeSocialIdentity(q: Queryable, userId: string, target: string, now: Date): Promise<UserRow | null> {
  const rows = await q.query<UserRow>(
    `UPDATE users SET identities = identities - $2::text, updated_at = $3 WHERE id = $1 AND identities ? $2::text RETURNING *`,
    [userId, target, now],
  );
  return rows[0] ?? null;
}

export interface SsoIdentityRow {
  id: string;
  user_id: string;
  sso_connector_id: string;
  issuer: string;
  identity_id: string;
  detail: Record<string, unknown>;
  created_at: Date;
}

/** The user an enterprise identity (issuer + subject) belongs to, with that identity's row. */
export async function findUserBySsoIdentity(
  q: Queryable,
  issuer: string,
  identityId: string,
): Promise<{ user: UserRow; identity: SsoIdentityRow } | null> {
  const rows = await q.query<UserRow & { sso: SsoIdentityRow }>(
    `SELECT u.*, to_jsonb(s) AS sso FROM user_sso_identities s JOIN users u ON u.id = s.user_id WHERE s.issuer = $1 AND s.identity_id = $2`,
    [issuer, identityId],
  );
  const row = rows[0];
  if (!row) return null;
  const { sso, ...user } = row;
  return { user: user as UserRow, identity: { ...sso, created_at: new Date(sso.created_at) } };
}

/** Records a user's enterprise identity; fails with 23505 (→ 'sso') when the identity has a user. */
export async function insertSsoIdentity(q: Queryable, row: SsoIdentityRow): Promise<void> {
  await q.query(
    `INSERT INTO user_sso_identities (id, user_id, sso_connector_id, issuer, identity_id, detail, created_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [row.id, row.user_id, row.sso_connector_id, row.issuer, row.identity_id, JSON.stringify(row.detail), row.created_at],
  );
}

/** Replaces the user info kept with an enterprise identity (each sign-in brings the IdP's latest). */
export async function updateSsoIdentityDetail(q: Queryable, id: string, detail: Record<string, unknown>): Promise<void> {
  await q.query('UPDATE user_sso_identities SET detail = $2::jsonb WHERE id = $1', [id, JSON.stringify(detail)]);
}

/** The user's enterprise identities, oldest first. */
export async function listSsoIdentities(q: Queryable, userId: string): Promise<SsoIdentityRow[]> {
  return q.query<SsoIdentityRow>('SELECT * FROM user_sso_identities WHERE user_id = $1 ORDER BY created_at, id', [userId]);
}

/** Which identity a unique violation is about: a social account or an enterprise identity already
 *  linked to a user; null for any other error. */
export function identityViolationOf(error: unknown): 'social' | 'sso' | null {
  const where = uniqueViolationText(error);
  if (where === null) return null;
  if (where.includes('user_social_identities_identity_key')) return 'social';
  if (where.includes('user_sso_identities_identity_key')) return 'sso';
  return null;
}
