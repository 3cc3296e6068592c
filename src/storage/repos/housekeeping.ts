// Owns removal of rows that have served their purpose: spent rate-limit windows, send gaps older
// than any interval, callback events delivered (or failed for good) long ago, expired OIDC provider
// models, identifier lockouts whose window and block are over, expired experience interactions, and,
// past their retention, finished verification codes and audit log rows.
// Each statement deletes one bounded batch (a short statement, short row locks), found through an
// index (migrations 001, 002, 008, 009, 012), so a run with nothing to delete costs one index probe
// per table; a sweep repeats the batches, round-robin over the tables, until every table is caught
// up or its time budget is spent.
import { performance } from 'node:perf_hooks';
import type { Queryable } from '../db.ts';

export interface Retention {
  /** Longest minimum interval between sends, in seconds: gaps older than this decide nothing. */
  gapSeconds: number;
  /** How long delivered (or failed) callback events are kept, in seconds. */
  deliveredEventSeconds: number;
  /** How long a verification code is kept after it finished (any status but PENDING), in seconds; 0 or absent keeps it. */
  codeSeconds?: number;
  /** How long an audit log row is kept after it was written, in seconds; 0 or absent keeps it. */
  auditSeconds?: number;
}

export interface Purge {
  /** The table it deletes from. */
  table: string;
  /** Params are always [cutoff, batch]: rows at or before the cutoff may go, at most `batch` of them. */
  sql: string;
  /** The cutoff for `now`, or null when this retention keeps rows forever. */
  cutoff(now: Date, retention: Retention): Date | null;
}

const before = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

/** A bounded delete of the rows at or before the cutoff by `column`, oldest first, counted.
 *  Oldest first, through the column's index, keeps each batch's cost flat while a backlog drains (an
 *  unordered batch may walk the rows and dead tuples earlier batches left behind). `= ANY(ARRAY(…))`
 *  makes the batch an init plan deleted by TID (`IN (…)` lets the planner hash-join it against a scan
 *  of the whole table); SKIP LOCKED lets processes that purge at once split the rows. */
const batchDelete = (table: string, column: string, order = true) =>
  `WITH d AS (
     DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
       SELECT ctid FROM ${table} WHERE ${column} <= $1${order ? ` ORDER BY ${column}` : ''} LIMIT $2 FOR UPDATE SKIP LOCKED)) RETURNING 1
   ) SELECT count(*)::int AS n FROM d`;

export const PURGES: readonly Purge[] = [
  { table: 'rate_counters', sql: batchDelete('rate_counters', 'expires_at'), cutoff: (now) => now },
  {
    table: 'send_gaps',
    // No index: the table holds only the recipients of the last interval or so (this purge sees to it),
    // and one on last_sent_at would be rewritten by every send.
    sql: batchDelete('send_gaps', 'last_sent_at', false),
    cutoff: (now, r) => before(now, r.gapSeconds),
  },
  {
    table: 'code_events',
    // Matches the expression index code_events_done.
    sql: batchDelete('code_events', 'coalesce(delivered_at, failed_at)'),
    cutoff: (now, r) => before(now, r.deliveredEventSeconds),
  },
  { table: 'oidc_models', sql: batchDelete('oidc_models', 'expires_at'), cutoff: (now) => now },
  { table: 'identifier_lockouts', sql: batchDelete('identifier_lockouts', 'window_ends_at'), cutoff: (now) => now },
  { table: 'experience_interactions', sql: batchDelete('experience_interactions', 'expires_at'), cutoff: (now) => now },
  { table: 'verification_records', sql: batchDelete('verification_records', 'expires_at'), cutoff: (now) => now },
  { table: 'saml_assertions_consumed', sql: batchDelete('saml_assertions_consumed', 'expires_at'), cutoff: (now) => now },
  {
    table: 'verification_codes',
    // Every status but PENDING is final and sets finished_at (a pending code past its expiry is
    // made EXPIRED by the worker first). A code whose callback event is still open stays until the
    // event is delivered or fails for good, so no queued notification loses its code; deleting a
    // code removes its delivered events (ON DELETE CASCADE, through code_events_code).
    sql: `WITH d AS (
            DELETE FROM verification_codes WHERE id = ANY(ARRAY(
              SELECT c.id FROM verification_codes c
               WHERE c.status <> 'PENDING' AND c.finished_at <= $1
                 AND NOT EXISTS (SELECT 1 FROM code_events e
                                  WHERE e.code_id = c.id AND e.delivered_at IS NULL AND e.failed_at IS NULL)
               ORDER BY c.finished_at LIMIT $2 FOR UPDATE OF c SKIP LOCKED))
            RETURNING 1
          ) SELECT count(*)::int AS n FROM d`,
    cutoff: (now, r) => (r.codeSeconds ? before(now, r.codeSeconds) : null),
  },
  {
    table: 'audit_logs',
    // Matches audit_logs_created (008), read backwards.
    sql: batchDelete('audit_logs', 'created_at'),
    cutoff: (now, r) => (r.auditSeconds ? before(now, r.auditSeconds) : null),
  },
];

export interface SweepBudget {
  /** Rows per statement. */
  batch?: number;
  /** After the first pass over every table, further batches start only within this many milliseconds. */
  budgetMs?: number;
}

/** One purge statement: deletes at most `batch` rows of its table; returns how many. */
export async function runPurge(q: Queryable, purge: Purge, cutoff: Date, batch: number): Promise<number> {
  const rows = await q.query<{ n: number }>(purge.sql, [cutoff.toISOString(), batch]);
  return rows[0]?.n ?? 0;
}

/**
 * Deletes what has served its purpose: every table once, then again for each table that filled its
 * batch, until all are caught up or the budget is spent. `caughtUp: false` means rows are left.
 */
export async function purgeSweep(
  q: Queryable,
  now: Date,
  retention: Retention,
  { batch = 5000, budgetMs = 1000 }: SweepBudget = {},
): Promise<{ removed: number; caughtUp: boolean }> {
  const started = performance.now();
  let due = PURGES.flatMap((purge) => {
    const cutoff = purge.cutoff(now, retention);
    return cutoff ? [{ purge, cutoff }] : [];
  });
  let removed = 0;
  for (let pass = 0; due.length > 0; pass += 1) {
    if (pass > 0 && performance.now() - started >= budgetMs) return { removed, caughtUp: false };
    const behind: typeof due = [];
    for (const item of due) {
      const n = await runPurge(q, item.purge, item.cutoff, batch);
      removed += n;
      if (n >= batch) behind.push(item);
    }
    due = behind;
  }
  return { removed, caughtUp: true };
}

/** purgeSweep's count of removed rows. */
export async function purgeExpired(q: Queryable, now: Date, retention: Retention, batch = 5000): Promise<number> {
  return (await purgeSweep(q, now, retention, { batch })).removed;
}
