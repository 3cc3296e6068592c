// Owns the SQL for users (migration 003). Uniqueness of username / email / phone is enforced by
// unique indexes; callers map SQLSTATE 23505 (see uniqueViolationOf) instead of checking first, so
// concurrent writers cannot both succeed.
import type { Search } from '../../domain/search.ts';
import { uniqueViolationText, type Queryable, type QueryOptions } from '../db.ts';
import { COUNT_BOUND, estimatedTotal, listTotal, type PageWindow } from '../list-total.ts';
import { searchCondition } from '../search-sql.ts';

/** A linked social identity, keyed by connector target. */
export interface UserIdentity {
  userId: string;
  details?: Record<string, unknown>;
}

export interface UserRow {
  id: string;
  username: string | null;
  primary_email: string | null;
  primary_phone: string | null;
  name: string | null;
  avatar: string | null;
  custom_data: Record<string, unknown>;
  identities: Record<string, UserIdentity>;
  profile: Record<string, unknown>;
  application_id: string | null;
  last_sign_in_at: Date | null;
  is_suspended: boolean;
  password_hash: string | null;
  /** The user chose not to bind an MFA factor (E23, UserControlled policy). */
  mfa_skipped: boolean;
  created_at: Date;
  updated_at: Date;
}

/** Columns a write may set; jsonb ones are serialised here. `identities_merge` (updates only) adds
 *  or replaces those identities in the stored ones as they are when the statement runs, so a
 *  concurrent link or unlink of another target is kept. */
export type UserFields = Partial<Omit<UserRow, 'id' | 'created_at' | 'updated_at'>> & { identities_merge?: Record<string, UserIdentity> };

const JSON_COLUMNS = new Set(['custom_data', 'identities', 'profile']);
const WRITABLE = [
  'username', 'primary_email', 'primary_phone', 'name', 'avatar', 'custom_data', 'identities', 'profile',
  'application_id', 'last_sign_in_at', 'is_suspended', 'password_hash', 'mfa_skipped',
] as const;

const valueOf = (column: string, value: unknown) => (JSON_COLUMNS.has(column) ? JSON.stringify(value) : value);
const cast = (column: string, n: number) => (JSON_COLUMNS.has(column) ? `$${n}::jsonb` : `$${n}`);

/** The unique index a 23505 error names, or null for any other error. */
export function uniqueViolationOf(error: unknown): 'username' | 'email' | 'phone' | 'id' | null {
  const where = uniqueViolationText(error);
  if (where === null) return null;
  if (where.includes('users_username_key')) return 'username';
  if (where.includes('users_primary_email_key')) return 'email';
  if (where.includes('users_primary_phone_key')) return 'phone';
  if (where.includes('users_pkey')) return 'id';
  return null;
}

export async function insertUser(q: Queryable, id: string, fields: UserFields, now: Date): Promise<UserRow> {
  const columns = WRITABLE.filter((c) => fields[c] !== undefined);
  const params: unknown[] = [id, now];
  const values = columns.map((c) => {
    params.push(valueOf(c, fields[c]));
    return cast(c, params.length);
  });
  const rows = await q.query<UserRow>(
    `INSERT INTO users (id, created_at, updated_at${columns.map((c) => `, ${c}`).join('')})
     VALUES ($1, $2, $2${values.map((v) => `, ${v}`).join('')}) RETURNING *`,
    params,
  );
  return rows[0]!;
}

/** The user a sign-in identifier names: username exactly, email case-insensitively, phone as digits. */
export async function findUserByIdentifier(
  q: Queryable,
  identifier: { type: 'username' | 'email' | 'phone'; value: string },
): Promise<UserRow | null> {
  const where = { username: 'username = $1', email: 'lower(primary_email) = lower($1)', phone: 'primary_phone = $1' }[identifier.type];
  return (await q.query<UserRow>(`SELECT * FROM users WHERE ${where}`, [identifier.value]))[0] ?? null;
}

/**
 * findUserByIdentifier with the identifier's lockout row (identifier_lockouts, keyed by
 * `lockoutKey`; repos/lockouts.ts findLockout) read by the same statement: a password check reads
 * both before it judges either, the block first.
 */
export async function findUserByIdentifierGuarded(
  q: Queryable,
  identifier: { type: 'username' | 'email' | 'phone'; value: string },
  lockoutKey: string,
): Promise<{ user: UserRow | null; lockout: { blockedUntil: Date | null } | null }> {
  const on = { username: 'u.username = $1', email: 'lower(u.primary_email) = lower($1)', phone: 'u.primary_phone = $1' }[identifier.type];
  const rows = await q.query<Record<string, unknown>>(
    `SELECT l.identifier_hash AS l_key, l.blocked_until AS l_blocked_until, ${userColumnsAs('u', 'u_')}
       FROM (SELECT 1) AS one LEFT JOIN identifier_lockouts l ON l.identifier_hash = $2 LEFT JOIN users u ON ${on}`,
    [identifier.value, lockoutKey],
  );
  const row = rows[0]!;
  const until = row.l_blocked_until as Date | string | null;
  return {
    user: userFromColumns(row, 'u_'),
    lockout: row.l_key === null ? null : { blockedUntil: until ? new Date(until) : null },
  };
}

/** Every column of users, for a read that fetches a user along with another row. */
const USER_COLUMNS = ['id', ...WRITABLE, 'created_at', 'updated_at'] as const;

/** The user columns of table `alias` as `<prefix><column>` (a select list; see userFromColumns). */
export const userColumnsAs = (alias: string, prefix: string): string => USER_COLUMNS.map((c) => `${alias}.${c} AS ${prefix}${c}`).join(', ');

/** The user in a row's `<prefix>` columns (userColumnsAs), or null when the join found none. */
export function userFromColumns(row: Record<string, unknown>, prefix: string): UserRow | null {
  if (row[`${prefix}id`] === null || row[`${prefix}id`] === undefined) return null;
  return Object.fromEntries(USER_COLUMNS.map((c) => [c, row[`${prefix}${c}`]])) as unknown as UserRow;
}

export async function findUser(q: Queryable, id: string): Promise<UserRow | null> {
  return (await q.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]))[0] ?? null;
}

/** Sets the given columns (whole values, no JSON merge) and updated_at; null when the user is gone. */
export async function updateUser(q: Queryable, id: string, fields: UserFields, now: Date): Promise<UserRow | null> {
  const { sql, params } = userUpdate(id, fields, now, 1);
  const rows = await q.query<UserRow>(`${sql} RETURNING *`, params);
  return rows[0] ?? null;
}

/** updateUser's statement without its RETURNING, parameters numbered from `first`, for a statement
 *  that makes it one of its parts (the Experience API's submit). */
export function userUpdate(id: string, fields: UserFields, now: Date, first: number): { sql: string; params: unknown[] } {
  const columns = WRITABLE.filter((c) => fields[c] !== undefined);
  const params: unknown[] = [id, now];
  const sets = columns.map((c) => {
    params.push(valueOf(c, fields[c]));
    return `${c} = ${cast(c, first - 1 + params.length)}`;
  });
  if (fields.identities_merge !== undefined) {
    params.push(JSON.stringify(fields.identities_merge));
    sets.push(`identities = identities || $${first - 1 + params.length}::jsonb`);
  }
  return { sql: `UPDATE users SET updated_at = $${first + 1}${sets.map((s) => `, ${s}`).join('')} WHERE id = $${first}`, params };
}

/**
 * Replaces the password hash only if it is still `current`: an upgrade after verification must not
 * overwrite a password changed in the meantime. Returns whether it was replaced.
 */
export async function replacePasswordHash(q: Queryable, id: string, current: string, next: string): Promise<boolean> {
  const rows = await q.query('UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id', [
    id,
    current,
    next,
  ]);
  return rows.length === 1;
}

export async function deleteUser(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM users WHERE id = $1 RETURNING id', [id])).length === 1;
}

/** Ends the user's OIDC sessions, grants and tokens (rows of the provider adapter naming the account). */
export async function revokeUserSessions(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM oidc_models WHERE payload->>'accountId' = $1`, [id]);
}

// --- listing and search -------------------------------------------------------------------------

export const SEARCH_COLUMNS = {
  id: 'id',
  primaryEmail: 'primary_email',
  primaryPhone: 'primary_phone',
  username: 'username',
  name: 'name',
} as const;
export type UserSearchField = keyof typeof SEARCH_COLUMNS;
export const USER_SEARCH_FIELDS = Object.keys(SEARCH_COLUMNS) as UserSearchField[];

// Migration 013's trigram indexes cover every searchable column; ids are lowercase by their CHECK.
const SEARCH_INDEXES = { lowercase: ['id'], trigram: ['username', 'primary_phone', 'name'] };

/** WHERE clause and parameters for a search; every value is a bound parameter. */
function whereOf(search: Search<UserSearchField> | null): { where: string; params: unknown[] } {
  if (!search || search.matches.length === 0) return { where: '', params: [] };
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  return { where: `WHERE ${searchCondition(search, SEARCH_COLUMNS, param, SEARCH_INDEXES)}`, params };
}

const ORDER = 'created_at DESC, id DESC';

/**
 * A page of users, newest first, and the total matching the search (storage/list-total.ts: exact up
 * to COUNT_BOUND, estimated above). Without a search, the page's keys come first from
 * users_created_at alone (an index-only scan, so a deep OFFSET skips index entries, not table rows),
 * then only those rows are read.
 *
 * A search first collects up to COUNT_BOUND + 1 matching keys in no particular order, which lets the
 * planner use the trigram indexes (a rare pattern: a few index entries) or stop a scan early (a
 * common one). Ordering by created_at in that statement would invite the planner to walk
 * users_created_at and filter, reading the whole table when its estimate of a pattern's
 * frequency is too high. Up to COUNT_BOUND matches, those keys are all there is: the page is
 * sliced from them, read by primary key, and the total is exact. More matches mean the pattern is
 * common, so the ordered walk filtering users_created_at finds a page after a few rows per match.
 *
 * A search is planned for its pattern at every call (planEachCall): the right plan depends on the
 * pattern (a trigram index for `%abcd%`, a scan that stops early for `%ab%`, which has no trigram),
 * and after five runs of a prepared statement PostgreSQL may settle on one generic plan for every
 * pattern (seen: bitmap scans of all five trigram indexes, 5–8 s for `%ab%` at 1 M users).
 */
export async function listUsers(
  db: Queryable,
  search: Search<UserSearchField> | null,
  page: PageWindow,
): Promise<{ rows: UserRow[]; total: number }> {
  const { where, params } = whereOf(search);
  const n = params.length;
  const ordered = (q: Queryable, options?: QueryOptions) =>
    q.query<UserRow>(
      `SELECT u.* FROM (SELECT id FROM users ${where} ORDER BY ${ORDER} LIMIT $${n + 1} OFFSET $${n + 2}) AS k
       JOIN users u ON u.id = k.id ORDER BY u.created_at DESC, u.id DESC`,
      [...params, page.limit, page.offset],
      options,
    );
  if (!where) {
    const rows = await ordered(db);
    return { rows, total: await listTotal(db, 'FROM users', ORDER, params, page, rows.length) };
  }
  const custom = { planEachCall: true };
  const matched = await db.query<{ id: string }>(
    `SELECT id FROM (SELECT id, created_at FROM users ${where} LIMIT ${COUNT_BOUND + 1}) AS m ORDER BY ${ORDER}`,
    params,
    custom,
  );
  if (matched.length <= COUNT_BOUND) {
    const ids = matched.slice(page.offset, page.offset + page.limit).map((m) => m.id);
    const rows = ids.length ? await db.query<UserRow>(`SELECT * FROM users WHERE id = ANY($1::text[]) ORDER BY ${ORDER}`, [ids]) : [];
    return { rows, total: matched.length };
  }
  const rows = await ordered(db, custom);
  return { rows, total: await estimatedTotal(db, `FROM users ${where}`, params, page, rows.length) };
}
