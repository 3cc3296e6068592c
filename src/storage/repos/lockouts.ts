// Owns the SQL of identifier lockouts (identifier_lockouts, migration 008): count a failure, read a
// running block, forget the failures. Rows are keyed by an HMAC the domain computes; this file never
// sees an identifier. Expired rows are deleted by housekeeping.ts.
import type { Queryable } from '../db.ts';

export interface LockoutLimits {
  /** Failures within one window that block the identifier. */
  maxFailures: number;
  /** Length of the counting window, from its first failure. */
  windowSeconds: number;
  /** How long a block lasts. */
  blockSeconds: number;
}

/**
 * Counts one failure and returns when the identifier is blocked until (null when it is not).
 *
 * One statement, so it is race-free across requests and processes: INSERT … ON CONFLICT DO UPDATE
 * either inserts the row or takes the row lock on the existing one; a concurrent upsert of the same
 * identifier waits for that lock and then evaluates its CASE expressions against the row as the
 * first one committed it (READ COMMITTED re-checks the conflicting row), so no failure is lost and
 * exactly one of N concurrent calls moves the count onto the limit. Two concurrent first failures
 * cannot both insert: the loser of the unique-index race takes the DO UPDATE path.
 *
 * The CASE arms, in order: a row whose window (or served block) is over restarts as if new — the
 * EXCLUDED row is exactly that fresh row; a running block is left as it is (failures while blocked
 * neither count nor extend it); otherwise the count rises, and reaching the limit sets the block and
 * moves the row's end to the block's end.
 */
export async function addFailure(q: Queryable, identifierHash: string, now: Date, limits: LockoutLimits): Promise<Date | null> {
  const rows = await q.query<{ blocked_until: Date | null }>(
    `INSERT INTO identifier_lockouts AS l (identifier_hash, failures, window_ends_at, blocked_until)
     VALUES (
       $1, 1,
       CASE WHEN $5::int <= 1 THEN $2::timestamptz + make_interval(secs => $4::int)
            ELSE $2::timestamptz + make_interval(secs => $3::int) END,
       CASE WHEN $5::int <= 1 THEN $2::timestamptz + make_interval(secs => $4::int) END)
     ON CONFLICT (identifier_hash) DO UPDATE SET
       failures = CASE
         WHEN l.window_ends_at <= $2::timestamptz THEN EXCLUDED.failures
         WHEN l.blocked_until IS NOT NULL THEN l.failures
         ELSE l.failures + 1 END,
       window_ends_at = CASE
         WHEN l.window_ends_at <= $2::timestamptz THEN EXCLUDED.window_ends_at
         WHEN l.blocked_until IS NOT NULL THEN l.window_ends_at
         WHEN l.failures + 1 >= $5::int THEN $2::timestamptz + make_interval(secs => $4::int)
         ELSE l.window_ends_at END,
       blocked_until = CASE
         WHEN l.window_ends_at <= $2::timestamptz THEN EXCLUDED.blocked_until
         WHEN l.blocked_until IS NOT NULL THEN l.blocked_until
         WHEN l.failures + 1 >= $5::int THEN $2::timestamptz + make_interval(secs => $4::int)
         END
     RETURNING blocked_until`,
    [identifierHash, now.toISOString(), limits.windowSeconds, limits.blockSeconds, limits.maxFailures],
  );
  const until = rows[0]?.blocked_until;
  return until ? new Date(until) : null;
}

/** When a block running at `now` ends; null when the identifier is not blocked. */
/** The identifier's row: null when it has no recorded failure, else when its block ends (null: none). */
export async function findLockout(q: Queryable, identifierHash: string): Promise<{ blockedUntil: Date | null } | null> {
  const rows = await q.query<{ blocked_until: Date | null }>('SELECT blocked_until FROM identifier_lockouts WHERE identifier_hash = $1', [
    identifierHash,
  ]);
  if (!rows[0]) return null;
  return { blockedUntil: rows[0].blocked_until ? new Date(rows[0].blocked_until) : null };
}

/** The rows of several identifiers in one statement (by primary key): each hash's row, absent when
 *  it has no recorded failure. */
export async function findLockouts(q: Queryable, identifierHashes: readonly string[]): Promise<Map<string, { blockedUntil: Date | null }>> {
  const rows = await q.query<{ identifier_hash: string; blocked_until: Date | null }>(
    'SELECT identifier_hash, blocked_until FROM identifier_lockouts WHERE identifier_hash = ANY($1::text[])',
    [identifierHashes],
  );
  return new Map(rows.map((r) => [r.identifier_hash, { blockedUntil: r.blocked_until ? new Date(r.blocked_until) : null }]));
}

/**
 * Forgets the failures of an identifier, unless a block is running at `now`: a success that raced
 * with the failure that blocked must not lift the block.
 */
export async function deleteFailures(q: Queryable, identifierHash: string, now: Date): Promise<void> {
  await q.query(
    `DELETE FROM identifier_lockouts
      WHERE identifier_hash = $1 AND (blocked_until IS NULL OR blocked_until <= $2::timestamptz)`,
    [identifierHash, now.toISOString()],
  );
}

/** Forgets these identifiers' rows, a running block included (an operator's unlock). Returns how
 *  many rows went. */
export async function deleteLockouts(q: Queryable, identifierHashes: readonly string[]): Promise<number> {
  const rows = await q.query('DELETE FROM identifier_lockouts WHERE identifier_hash = ANY($1::text[]) RETURNING identifier_hash', [
    identifierHashes,
  ]);
  return rows.length;
}
