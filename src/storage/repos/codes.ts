// Owns the SQL of the verification-code engine. Every statement that changes a code's status also
// appends a code_events row in the same statement (CTE) when the code has a callback URL, so a
// status change and its notification are one atomic write.
import type { Queryable } from '../db.ts';

export type CodeStatus = 'PENDING' | 'VERIFIED' | 'EXPIRED' | 'CANCELLED' | 'FAILED';

export interface CodeRow {
  id: string;
  application_id: string | null;
  scope: string;
  channel: 'sms' | 'email';
  recipient: string;
  status: CodeStatus;
  attempts: number;
  max_attempts: number;
  created_at: Date;
  expires_at: Date;
  finished_at: Date | null;
  callback_url: string | null;
  meta: Record<string, unknown>;
}

/** Who may see a code: its scope and, for application-owned codes, the application. */
export interface CodeOwner {
  scope: string;
  applicationId: string | null;
}

export interface WindowLimit {
  bucket: string;
  limit: number;
  windowStart: Date;
  resetAt: Date;
}

export interface GapLimit {
  subject: string;
  intervalSeconds: number;
}

export interface Blocked {
  bucket: string;
  limit: number;
  resetAt: Date;
}

const COLUMNS = `id, application_id, scope, channel, recipient, status, attempts, max_attempts, created_at, expires_at,
  finished_at, callback_url, meta`;

/** Appends one event per changed row of `source` that has a callback URL. $now is the given param. */
const emitEvents = (source: string, now: string) =>
  `INSERT INTO code_events (code_id, url, status, attempts, next_attempt_at, created_at)
   SELECT id, callback_url, status, attempts, ${now}, ${now} FROM ${source} WHERE callback_url IS NOT NULL`;

export interface InsertCode {
  id: string;
  owner: CodeOwner;
  channel: 'sms' | 'email';
  recipient: string;
  codeHash: string;
  keyId: string;
  maxAttempts: number;
  createdAt: Date;
  expiresAt: Date;
  callbackUrl: string | null;
  meta: Record<string, unknown>;
}

/**
 * One statement: counts every window limit, claims the send gap, and inserts the code only when no
 * limit is exceeded. Counters are upserts (row-locked), so limits hold across processes.
 */
export async function insertWithinLimits(
  q: Queryable,
  code: InsertCode,
  limits: readonly WindowLimit[],
  gap: GapLimit | null,
): Promise<{ code: CodeRow | null; blocked: Blocked[] }> {
  const rows = await q.query<CodeRow & { blocked: { bucket: string; lim: number; reset_at: string }[] | null }>(
    `WITH limits AS (
       SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::timestamptz[]) AS l(bucket, lim, window_start, reset_at)
     ), hits AS (
       INSERT INTO rate_counters (bucket, window_start, hits, expires_at)
       SELECT bucket, window_start, 1, reset_at FROM limits
       ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + 1
       RETURNING bucket, hits
     ), gap AS (
       INSERT INTO send_gaps (subject, last_sent_at) SELECT $5::text, $6::timestamptz WHERE $5::text IS NOT NULL
       ON CONFLICT (subject) DO UPDATE SET last_sent_at = EXCLUDED.last_sent_at
         WHERE send_gaps.last_sent_at <= EXCLUDED.last_sent_at - make_interval(secs => $7::int)
       RETURNING subject
     ), blocked AS (
       SELECT l.bucket, l.lim, l.reset_at FROM hits h JOIN limits l USING (bucket) WHERE h.hits > l.lim
       UNION ALL
       -- Refused by the gap exactly when the upsert changed nothing. (Do not look for the send_gaps
       -- row itself: a concurrent first send's row is not in this statement's snapshot.)
       SELECT 'gap', 1,
              COALESCE((SELECT g.last_sent_at FROM send_gaps g WHERE g.subject = $5::text), $6::timestamptz)
                + make_interval(secs => $7::int)
        WHERE $5::text IS NOT NULL AND NOT EXISTS (SELECT 1 FROM gap)
     ), ins AS (
       INSERT INTO verification_codes (id, application_id, scope, channel, recipient, code_hash, key_id, max_attempts,
                                       created_at, expires_at, callback_url, meta)
       SELECT $8, $9, $10, $11, $12, $13, $14, $15, $6, $16, $17, $18::jsonb WHERE NOT EXISTS (SELECT 1 FROM blocked)
       RETURNING ${COLUMNS}
     )
     SELECT ins.*, (SELECT json_agg(blocked) FROM blocked) AS blocked FROM (SELECT 1) AS one LEFT JOIN ins ON true`,
    [
      limits.map((l) => l.bucket),
      limits.map((l) => l.limit),
      limits.map((l) => l.windowStart.toISOString()),
      limits.map((l) => l.resetAt.toISOString()),
      gap?.subject ?? null,
      code.createdAt.toISOString(),
      gap?.intervalSeconds ?? 0,
      code.id,
      code.owner.applicationId,
      code.owner.scope,
      code.channel,
      code.recipient,
      code.codeHash,
      code.keyId,
      code.maxAttempts,
      code.expiresAt.toISOString(),
      code.callbackUrl,
      JSON.stringify(code.meta),
    ],
  );
  const row = rows[0]!;
  const blocked = (row.blocked ?? []).map((b) => ({ bucket: b.bucket, limit: b.lim, resetAt: new Date(b.reset_at) }));
  const { blocked: _omit, ...rest } = row;
  return { code: rest.id ? (rest as CodeRow) : null, blocked };
}

export async function findCode(q: Queryable, id: string, owner: CodeOwner): Promise<CodeRow | null> {
  const rows = await q.query<CodeRow>(
    `SELECT ${COLUMNS} FROM verification_codes
      WHERE id = $1 AND scope = $2 AND application_id IS NOT DISTINCT FROM $3`,
    [id, owner.scope, owner.applicationId],
  );
  return rows[0] ?? null;
}

/** The newest code for a recipient that was neither consumed nor cancelled (pending, failed or expired). */
export async function findLatest(q: Queryable, owner: CodeOwner, recipient: string): Promise<CodeRow | null> {
  const rows = await q.query<CodeRow>(
    `SELECT ${COLUMNS} FROM verification_codes
      WHERE scope = $1 AND application_id IS NOT DISTINCT FROM $2 AND recipient = $3
        AND status IN ('PENDING', 'FAILED', 'EXPIRED')
      ORDER BY created_at DESC LIMIT 1`,
    [owner.scope, owner.applicationId, recipient],
  );
  return rows[0] ?? null;
}

/** Cancels every other pending code of the recipient in the scope (a new code replaces them). */
export async function cancelOthers(q: Queryable, owner: CodeOwner, recipient: string, keepId: string, now: Date): Promise<void> {
  await q.query(
    `WITH u AS (
       UPDATE verification_codes SET status = 'CANCELLED', finished_at = $4
        WHERE scope = $1 AND application_id IS NOT DISTINCT FROM $2 AND recipient = $3 AND status = 'PENDING' AND id <> $5
        RETURNING ${COLUMNS}
     ), e AS (${emitEvents('u', '$4::timestamptz')})
     SELECT count(*) FROM u`,
    [owner.scope, owner.applicationId, recipient, now.toISOString(), keepId],
  );
}

export interface Reservation {
  code_hash: string;
  key_id: string;
  attempts: number;
  max_attempts: number;
  has_callback: boolean;
}

/**
 * Counts one check before the compare. The row lock serialises concurrent checks, and
 * `attempts < max_attempts` means no number of parallel guesses can exceed the budget.
 *
 * With `lockoutKey`, the same statement reads that row of identifier_lockouts (answered as
 * `lockout`, findLockout's shape) and counts nothing while it shows a block running at `now`: the
 * caller judges the row by the same `now` and refuses the check, as it did when it read the row first.
 */
export async function reserveCheck(q: Queryable, id: string, owner: CodeOwner, now: Date): Promise<Reservation | null>;
export async function reserveCheck(
  q: Queryable,
  id: string,
  owner: CodeOwner,
  now: Date,
  lockoutKey: string,
): Promise<{ reservation: Reservation | null; lockout: { blockedUntil: Date | null } | null }>;
export async function reserveCheck(q: Queryable, id: string, owner: CodeOwner, now: Date, lockoutKey?: string) {
  const reserve = `UPDATE verification_codes SET attempts = attempts + 1
      WHERE id = $1 AND scope = $2 AND application_id IS NOT DISTINCT FROM $3
        AND status = 'PENDING' AND attempts < max_attempts AND expires_at > $4`;
  const returning = 'code_hash, key_id, attempts, max_attempts, callback_url IS NOT NULL AS has_callback';
  const params = [id, owner.scope, owner.applicationId, now.toISOString()];
  if (lockoutKey === undefined) return (await q.query<Reservation>(`${reserve} RETURNING ${returning}`, params))[0] ?? null;
  const rows = await q.query<Reservation & { l_key: string | null; l_blocked_until: Date | string | null; code_hash: string | null }>(
    `WITH l AS (SELECT identifier_hash, blocked_until FROM identifier_lockouts WHERE identifier_hash = $5),
     r AS (${reserve} AND NOT EXISTS (SELECT 1 FROM l WHERE l.blocked_until > $4::timestamptz) RETURNING ${returning})
     SELECT l.identifier_hash AS l_key, l.blocked_until AS l_blocked_until, r.*
       FROM (SELECT 1) AS one LEFT JOIN l ON true LEFT JOIN r ON true`,
    [...params, lockoutKey],
  );
  const { l_key, l_blocked_until, ...reservation } = rows[0]!;
  return {
    reservation: reservation.code_hash === null ? null : (reservation as Reservation),
    lockout: l_key === null ? null : { blockedUntil: l_blocked_until ? new Date(l_blocked_until) : null },
  };
}

/** Consumes a matched code, refunding its reserved attempt. Zero rows: another check consumed it first. */
export async function consume(q: Queryable, id: string, now: Date): Promise<CodeRow | null> {
  const rows = await q.query<CodeRow>(
    `WITH u AS (
       UPDATE verification_codes SET status = 'VERIFIED', attempts = attempts - 1, finished_at = $2
        WHERE id = $1 AND status = 'PENDING' RETURNING ${COLUMNS}
     ), e AS (${emitEvents('u', '$2::timestamptz')})
     SELECT * FROM u`,
    [id, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Returns the unit reserved by a check that matched but lost the race to consume: it was not a failure. */
export async function refundCheck(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE verification_codes SET attempts = attempts - 1 WHERE id = $1 AND attempts > 0', [id]);
}

/** Settles a failed check: the code fails once the budget is spent; reports the change. */
export async function settleMismatch(q: Queryable, id: string, now: Date): Promise<CodeRow | null> {
  const rows = await q.query<CodeRow>(
    `WITH u AS (
       UPDATE verification_codes
          SET status = CASE WHEN attempts >= max_attempts THEN 'FAILED' ELSE status END,
              finished_at = CASE WHEN attempts >= max_attempts THEN $2::timestamptz ELSE finished_at END
        WHERE id = $1 AND status = 'PENDING' RETURNING ${COLUMNS}
     ), e AS (${emitEvents('u', '$2::timestamptz')})
     SELECT * FROM u`,
    [id, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Moves a pending code to a terminal status (CANCELLED, EXPIRED) if it is still pending. */
export async function finish(
  q: Queryable,
  id: string,
  owner: CodeOwner,
  status: 'CANCELLED' | 'EXPIRED',
  now: Date,
): Promise<CodeRow | null> {
  const rows = await q.query<CodeRow>(
    `WITH u AS (
       UPDATE verification_codes SET status = $4, finished_at = $5
        WHERE id = $1 AND scope = $2 AND application_id IS NOT DISTINCT FROM $3 AND status = 'PENDING'
          AND (($4 = 'CANCELLED' AND expires_at > $5) OR ($4 = 'EXPIRED' AND expires_at <= $5))
        RETURNING ${COLUMNS}
     ), e AS (${emitEvents('u', '$5::timestamptz')})
     SELECT * FROM u`,
    [id, owner.scope, owner.applicationId, status, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Expires up to `limit` overdue codes; SKIP LOCKED lets several processes sweep at once. */
export async function expireDue(q: Queryable, now: Date, limit = 500): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH u AS (
       UPDATE verification_codes SET status = 'EXPIRED', finished_at = expires_at
        WHERE id IN (SELECT id FROM verification_codes WHERE status = 'PENDING' AND expires_at <= $1
                      ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING ${COLUMNS}
     ), e AS (${emitEvents('u', '$1::timestamptz')})
     SELECT count(*)::int AS n FROM u`,
    [now.toISOString(), limit],
  );
  return rows[0]?.n ?? 0;
}

/** Removes a code whose message could not be delivered and records the failure, in one statement. */
export async function discardUndelivered(
  q: Queryable,
  id: string,
  failure: { connector: string; error: string; at: Date },
): Promise<void> {
  await q.query(
    `WITH d AS (DELETE FROM verification_codes WHERE id = $1 RETURNING id, application_id, channel, recipient)
     INSERT INTO delivery_failures (code_id, application_id, channel, connector, recipient, error, created_at)
     SELECT id, application_id, channel, $2, recipient, $3, $4 FROM d`,
    [id, failure.connector, failure.error, failure.at.toISOString()],
  );
}
