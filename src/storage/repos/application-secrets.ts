// Owns the SQL of named application secrets (006_roles_and_secrets.sql): the SHA-256 digest to
// find a presented secret by, and the value only as ciphertext. A name is unique per application
// (the primary key), so a concurrent duplicate fails on the constraint, not on a check that raced.
import type { Queryable } from '../db.ts';

export interface ApplicationSecretRow {
  application_id: string;
  name: string;
  secret_hash: string;
  /** AES-256-GCM ciphertext of the value (keyring.encrypt). */
  secret_ciphertext: string;
  created_at: Date;
  expires_at: Date | null;
}

/** Null when the name is taken for this application. */
export async function insertApplicationSecret(q: Queryable, row: ApplicationSecretRow): Promise<ApplicationSecretRow | null> {
  const rows = await q.query<ApplicationSecretRow>(
    `INSERT INTO application_secrets (application_id, name, secret_hash, secret_ciphertext, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING *`,
    [row.application_id, row.name, row.secret_hash, row.secret_ciphertext, row.created_at.toISOString(), row.expires_at?.toISOString() ?? null],
  );
  return rows[0] ?? null;
}

export function listApplicationSecrets(q: Queryable, applicationId: string): Promise<ApplicationSecretRow[]> {
  return q.query<ApplicationSecretRow>('SELECT * FROM application_secrets WHERE application_id = $1 ORDER BY created_at, name', [
    applicationId,
  ]);
}

export async function deleteApplicationSecret(q: Queryable, applicationId: string, name: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM application_secrets WHERE application_id = $1 AND name = $2 RETURNING name', [applicationId, name]);
  return rows.length > 0;
}

/** Renames; null when there is no such secret. Throws the unique violation (23505) when the new name is taken. */
export async function renameApplicationSecret(q: Queryable, applicationId: string, name: string, newName: string): Promise<ApplicationSecretRow | null> {
  const rows = await q.query<ApplicationSecretRow>(
    'UPDATE application_secrets SET name = $3 WHERE application_id = $1 AND name = $2 RETURNING *',
    [applicationId, name, newName],
  );
  return rows[0] ?? null;
}

/** The secret of this application with this digest, expired or not (the caller tells them apart). */
export async function findApplicationSecretByHash(q: Queryable, applicationId: string, secretHash: string): Promise<ApplicationSecretRow | null> {
  const rows = await q.query<ApplicationSecretRow>('SELECT * FROM application_secrets WHERE application_id = $1 AND secret_hash = $2', [
    applicationId,
    secretHash,
  ]);
  return rows[0] ?? null;
}
