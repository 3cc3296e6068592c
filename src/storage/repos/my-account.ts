// Owns the SQL of the signed-in user's own writes (my-account-api.md M3, M5–M10) that must be
// atomic in one statement: the profile merge and the identity removal happen in SQL so that two
// concurrent requests both land (no read-modify-write in the process); an identifier change returns
// the value it replaced, read under the row lock of the same statement, so the change notice goes to
// the address that was really replaced. Uniqueness of email and phone stays with the unique indexes
// of users (a 23505 the caller maps, repos/users.ts).
import type { Queryable } from '../db.ts';

/** The sign-in identifier columns the Account API changes. */
export type IdentifierColumn = 'primary_email' | 'primary_phone';

const OTHER: Record<IdentifierColumn, IdentifierColumn> = { primary_email: 'primary_phone', primary_phone: 'primary_email' };

export interface IdentifierChange {
  /** The value before the change. */
  before: string | null;
  /** The user's primary email after the change (where notices go). */
  email: string | null;
}

/** Sets `column` to `value` (null removes it); with `requireOther`, only while the other identifier
 *  column is set. Null when nothing was written (the user is gone, or the other one is missing). */
export async function replaceIdentifier(
  q: Queryable,
  userId: string,
  column: IdentifierColumn,
  value: string | null,
  now: Date,
  requireOther = false,
): Promise<IdentifierChange | null> {
  // The CTE locks the row and reads the old value; the UPDATE re-checks its condition on the row it
  // locked, so a concurrent removal of the other identifier cannot leave the user with neither.
  const rows = await q.query<IdentifierChange>(
    `WITH old AS (SELECT id, ${column} AS value FROM users WHERE id = $1 FOR UPDATE)
     UPDATE users u SET ${column} = $2, updated_at = $3 FROM old
      WHERE u.id = old.id${requireOther ? ` AND u.${OTHER[column]} IS NOT NULL` : ''}
     RETURNING old.value AS before, u.primary_email AS email`,
    [userId, value, now],
  );
  return rows[0] ?? null;
}

/** Shallow-merges `patch` into the stored profile (sent keys overwrite); the stored profile after. */
export async function mergeProfile(q: Queryable, userId: string, patch: Record<string, unknown>, now: Date): Promise<Record<string, unknown> | null> {
  const rows = await q.query<{ profile: Record<string, unknown> }>(
    'UPDATE users SET profile = profile || $2::jsonb, updated_at = $3 WHERE id = $1 RETURNING profile',
    [userId, JSON.stringify(patch), now],
  );
  return rows[0]?.profile ?? null;
}

/** Removes the identity of connector `target`; false when the user has none for it. */
export async function removeIdentity(q: Queryable, userId: string, target: string, now: Date): Promise<boolean> {
  const rows = await q.query(
    'UPDATE users SET identities = identities - $2::text, updated_at = $3 WHERE id = $1 AND identities ? $2::text RETURNING id',
    [userId, target, now],
  );
  return rows.length === 1;
}

/** Adds the identity of connector `target` only while the user has none for it (M9); false when it
 *  has one (or is gone). A provider account linked to another user fails with 23505 (repos/identities.ts). */
export async function addIdentity(q: Queryable, userId: string, target: string, identity: { userId: string; details?: Record<string, unknown> }, now: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE users SET identities = identities || jsonb_build_object($2::text, $3::jsonb), updated_at = $4
      WHERE id = $1 AND NOT identities ? $2::text RETURNING id`,
    [userId, target, JSON.stringify(identity), now],
  );
  return rows.length === 1;
}
