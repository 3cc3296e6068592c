// Owns the SQL of experience_interactions (009_experience.sql). The state is opaque JSON here; the
// domain parses it (domain/experience/state.ts).
import type { Queryable } from '../db.ts';

export interface ExperienceRow {
  uid: string;
  application_id: string | null;
  state: unknown;
  expires_at: Date;
}

/** Creates or resets the interaction's state (PUT /api/experience clears earlier data). */
export async function putExperience(q: Queryable, row: ExperienceRow): Promise<void> {
  await q.query(
    `INSERT INTO experience_interactions (uid, application_id, state, expires_at) VALUES ($1, $2, $3::jsonb, $4)
     ON CONFLICT (uid) DO UPDATE SET application_id = EXCLUDED.application_id, state = EXCLUDED.state, expires_at = EXCLUDED.expires_at`,
    [row.uid, row.application_id, JSON.stringify(row.state), row.expires_at.toISOString()],
  );
}

/** The live state, or null; `lock` holds the row until the surrounding transaction ends. */
export async function findExperience(q: Queryable, uid: string, now: Date, lock = false): Promise<ExperienceRow | null> {
  const rows = await q.query<ExperienceRow>(
    `SELECT * FROM experience_interactions WHERE uid = $1 AND expires_at > $2${lock ? ' FOR UPDATE' : ''}`,
    [uid, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Compare-and-set: writes `next` only if the stored state still equals `expected` (jsonb
 *  equality); false when another request changed it first or the row is gone. */
export async function replaceExperienceState(q: Queryable, uid: string, expected: unknown, next: unknown): Promise<boolean> {
  const rows = await q.query('UPDATE experience_interactions SET state = $3::jsonb WHERE uid = $1 AND state = $2::jsonb RETURNING uid', [
    uid,
    JSON.stringify(expected),
    JSON.stringify(next),
  ]);
  return rows.length === 1;
}

export async function saveExperienceState(q: Queryable, uid: string, state: unknown): Promise<void> {
  await q.query('UPDATE experience_interactions SET state = $2::jsonb WHERE uid = $1', [uid, JSON.stringify(state)]);
}

export async function deleteExperience(q: Queryable, uid: string): Promise<void> {
  await q.query('DELETE FROM experience_interactions WHERE uid = $1', [uid]);
}
