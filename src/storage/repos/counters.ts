// Owns the SQL of fixed-window counters (rate_counters): add hits to a window, read back the total.
import type { Queryable } from '../db.ts';

/** Adds `delta` hits to the window and returns its total across every process. Upsert = row lock. */
export async function addHits(
  q: Queryable,
  window: { bucket: string; windowStart: Date; resetAt: Date },
  delta: number,
): Promise<number> {
  const rows = await q.query<{ hits: number }>(
    `INSERT INTO rate_counters (bucket, window_start, hits, expires_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (bucket, window_start) DO UPDATE SET hits = rate_counters.hits + EXCLUDED.hits
     RETURNING hits`,
    [window.bucket, window.windowStart.toISOString(), delta, window.resetAt.toISOString()],
  );
  return rows[0]!.hits;
}
