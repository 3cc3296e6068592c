// Owns the SQL of the durable callback queue (code_events). Only the oldest open event of a code (neither
// delivered nor failed for good) is ever eligible, so callbacks for one code arrive in order; a lease
// (locked_until) keeps two workers from sending the same event, and a crashed worker's lease simply runs out.
import type { Queryable } from '../db.ts';
import type { CodeRow, CodeStatus } from './codes.ts';

export interface ClaimedEvent {
  event_id: string;
  url: string;
  event_status: CodeStatus;
  event_attempts: number;
  tries: number;
  callback_secret: string | null;
  code: CodeRow;
}

/** Leases up to `limit` due head-of-line events. */
export async function claimDue(q: Queryable, now: Date, leaseSeconds: number, limit: number): Promise<ClaimedEvent[]> {
  return q.query<ClaimedEvent>(
    `WITH head AS (
       SELECT DISTINCT ON (code_id) id FROM code_events WHERE delivered_at IS NULL AND failed_at IS NULL ORDER BY code_id, id
     ), due AS (
       SELECT e.id FROM code_events e JOIN head h ON h.id = e.id
        WHERE e.next_attempt_at <= $1 AND (e.locked_until IS NULL OR e.locked_until <= $1)
        ORDER BY e.id LIMIT $3 FOR UPDATE OF e SKIP LOCKED
     )
     UPDATE code_events ev SET locked_until = $1::timestamptz + make_interval(secs => $2::int), tries = ev.tries + 1
       FROM due, verification_codes c LEFT JOIN applications a ON a.id = c.application_id
      WHERE ev.id = due.id AND c.id = ev.code_id
     RETURNING ev.id::text AS event_id, ev.url, ev.status AS event_status, ev.attempts AS event_attempts, ev.tries,
               a.callback_secret,
               json_build_object('id', c.id, 'application_id', c.application_id, 'scope', c.scope, 'channel', c.channel,
                 'recipient', c.recipient, 'status', c.status, 'attempts', c.attempts, 'max_attempts', c.max_attempts,
                 'created_at', c.created_at, 'expires_at', c.expires_at, 'finished_at', c.finished_at,
                 'callback_url', c.callback_url, 'meta', c.meta) AS code`,
    [now.toISOString(), leaseSeconds, limit],
  );
}

export async function markDelivered(q: Queryable, eventId: string, at: Date): Promise<void> {
  await q.query('UPDATE code_events SET delivered_at = $2, locked_until = NULL, last_error = NULL WHERE id = $1', [
    eventId,
    at.toISOString(),
  ]);
}

export async function scheduleRetry(q: Queryable, eventId: string, nextAt: Date, error: string): Promise<void> {
  await q.query('UPDATE code_events SET next_attempt_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1', [
    eventId,
    nextAt.toISOString(),
    error.slice(0, 500),
  ]);
}

/** An event that can never be delivered (its address is refused): it leaves the queue, kept with why. */
export async function markFailed(q: Queryable, eventId: string, at: Date, error: string): Promise<void> {
  await q.query('UPDATE code_events SET failed_at = $2, locked_until = NULL, last_error = $3 WHERE id = $1', [
    eventId,
    at.toISOString(),
    error.slice(0, 500),
  ]);
}
