// Owns the SQL of the Account API's verification records (verification_records, migration 016): a
// record is created once, completed (verified) by compare-and-set on its data, and read only while
// it lives and only by the user whose token made it. Expired rows are purged by housekeeping.ts.
import type { Queryable } from '../db.ts';

export interface VerificationRecordRow {
  id: string;
  owner_id: string;
  bound: boolean;
  data: Record<string, unknown>;
  created_at: Date;
  expires_at: Date;
}

export async function insertVerificationRecord(
  q: Queryable,
  row: { id: string; ownerId: string; bound: boolean; data: unknown; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO verification_records (id, owner_id, bound, data, created_at, expires_at) VALUES ($1, $2, $3, $4::jsonb, $5, $6)',
    [row.id, row.ownerId, row.bound, JSON.stringify(row.data), row.createdAt.toISOString(), row.expiresAt.toISOString()],
  );
}

/** The record `id` of `ownerId`, alive at `now`; null otherwise (unknown, another user's, expired). */
export async function findVerificationRecord(q: Queryable, id: string, ownerId: string, now: Date): Promise<VerificationRecordRow | null> {
  const rows = await q.query<VerificationRecordRow>(
    'SELECT * FROM verification_records WHERE id = $1 AND owner_id = $2 AND expires_at > $3',
    [id, ownerId, now.toISOString()],
  );
  return rows[0] ?? null;
}

/**
 * Replaces the record's data only if it is still `expected` (the data it was read with) and alive
 * at `now`: of two requests completing one record at once, one writes. Returns whether it wrote.
 */
export async function replaceVerificationRecordData(
  q: Queryable,
  id: string,
  ownerId: string,
  expected: unknown,
  data: unknown,
  now: Date,
): Promise<boolean> {
  const rows = await q.query(
    `UPDATE verification_records SET data = $4::jsonb
      WHERE id = $1 AND owner_id = $2 AND data = $3::jsonb AND expires_at > $5 RETURNING id`,
    [id, ownerId, JSON.stringify(expected), JSON.stringify(data), now.toISOString()],
  );
  return rows.length === 1;
}
