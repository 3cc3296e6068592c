// Owns removal of rows that have served their purpose: spent rate-limit windows, send gaps older
// than any interval, callback events delivered (or failed for good) long ago, expired OIDC provider
// models, and identifier lockouts whose window and block are over. Bounded batches keep each statement short.
import type { Queryable } from '../db.ts';

export interface Retention {
  /** Longest minimum interval between sends, in seconds: gaps older than this decide nothing. */
  gapSeconds: number;
  /** How long delivered (or failed) callback events are kept, in seconds. */
  deliveredEventSeconds: number;
}

export async function purgeExpired(q: Queryable, now: Date, retention: Retention, batch = 5000): Promise<number> {
  const rows = await q.query<{ n: number }>(
    `WITH c AS (
       DELETE FROM rate_counters WHERE ctid IN (SELECT ctid FROM rate_counters WHERE expires_at <= $1 LIMIT $4) RETURNING 1
     ), g AS (
       DELETE FROM send_gaps WHERE ctid IN (
         SELECT ctid FROM send_gaps WHERE last_sent_at <= $1::timestamptz - make_interval(secs => $2::int) LIMIT $4) RETURNING 1
     ), e AS (
       DELETE FROM code_events WHERE ctid IN (
         SELECT ctid FROM code_events
          WHERE coalesce(delivered_at, failed_at) <= $1::timestamptz - make_interval(secs => $3::int) LIMIT $4) RETURNING 1
     ), o AS (
       DELETE FROM oidc_models WHERE ctid IN (SELECT ctid FROM oidc_models WHERE expires_at <= $1 LIMIT $4) RETURNING 1
     ), l AS (
       DELETE FROM identifier_lockouts WHERE ctid IN (
         SELECT ctid FROM identifier_lockouts WHERE window_ends_at <= $1 LIMIT $4) RETURNING 1
     ), x AS (
       DELETE FROM experience_interactions WHERE ctid IN (
         SELECT ctid FROM experience_interactions WHERE expires_at <= $1 LIMIT $4) RETURNING 1
     )
     SELECT ((SELECT count(*) FROM c) + (SELECT count(*) FROM g) + (SELECT count(*) FROM e) + (SELECT count(*) FROM o)
           + (SELECT count(*) FROM l) + (SELECT count(*) FROM x))::int AS n`,
    [now.toISOString(), retention.gapSeconds, retention.deliveredEventSeconds, batch],
  );
  return rows[0]?.n ?? 0;
}
