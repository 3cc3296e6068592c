// Owns the SQL for applications and their API keys.
import type { Queryable } from '../db.ts';

export interface AppRow {
  id: string;
  name: string;
  otp_settings: Record<string, unknown>;
  callback_secret: string;
  created_at: Date;
}

export interface ApiKeyRow {
  id: string;
  application_id: string;
  name: string;
  hint: string;
  created_at: Date;
  revoked_at: Date | null;
}

export async function insertApp(q: Queryable, app: Omit<AppRow, 'created_at'>): Promise<AppRow> {
  const rows = await q.query<AppRow>(
    `INSERT INTO applications (id, name, otp_settings, callback_secret) VALUES ($1, $2, $3::jsonb, $4) RETURNING *`,
    [app.id, app.name, JSON.stringify(app.otp_settings), app.callback_secret],
  );
  return rows[0]!;
}

/** Creates or updates a MachineToMachine client with the Management API scope (operator bootstrap). */
export async function upsertAdminClient(q: Queryable, app: { id: string; name: string; secretHash: string; callbackSecret: string }) {
  await q.query(
    `INSERT INTO applications (id, name, callback_secret, type, secret_hash)
     VALUES ($1, $2, $4, 'MachineToMachine', $3)
     ON CONFLICT (id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, type = 'MachineToMachine'`,
    [app.id, app.name, app.secretHash, app.callbackSecret],
  );
  await q.query(`INSERT INTO application_roles (application_id, role_id) VALUES ($1, 'admin-role') ON CONFLICT DO NOTHING`, [app.id]);
}

export async function findApp(q: Queryable, id: string): Promise<AppRow | null> {
  return (await q.query<AppRow>('SELECT * FROM applications WHERE id = $1', [id]))[0] ?? null;
}

export function listApps(q: Queryable): Promise<AppRow[]> {
  return q.query<AppRow>('SELECT * FROM applications ORDER BY created_at, id');
}

export async function updateOtpSettings(q: Queryable, id: string, settings: Record<string, unknown>): Promise<AppRow | null> {
  const rows = await q.query<AppRow>('UPDATE applications SET otp_settings = $2::jsonb WHERE id = $1 RETURNING *', [
    id,
    JSON.stringify(settings),
  ]);
  return rows[0] ?? null;
}

export async function insertApiKey(
  q: Queryable,
  key: { id: string; applicationId: string; name: string; keyHash: string; hint: string },
): Promise<ApiKeyRow> {
  const rows = await q.query<ApiKeyRow>(
    `INSERT INTO api_keys (id, application_id, name, key_hash, hint) VALUES ($1, $2, $3, $4, $5)
     RETURNING id, application_id, name, hint, created_at, revoked_at`,
    [key.id, key.applicationId, key.name, key.keyHash, key.hint],
  );
  return rows[0]!;
}

export async function findApiKeyByHash(q: Queryable, keyHash: string): Promise<(ApiKeyRow & { key_hash: string }) | null> {
  const rows = await q.query<ApiKeyRow & { key_hash: string }>('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
  return rows[0] ?? null;
}

export function listApiKeys(q: Queryable, applicationId?: string): Promise<ApiKeyRow[]> {
  return q.query<ApiKeyRow>(
    `SELECT id, application_id, name, hint, created_at, revoked_at FROM api_keys
      WHERE $1::text IS NULL OR application_id = $1 ORDER BY created_at, id`,
    [applicationId ?? null],
  );
}

export async function revokeApiKey(q: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await q.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id', [
    id,
    at.toISOString(),
  ]);
  return rows.length > 0;
}

export interface LiveKey {
  key_id: string;
  key_hash: string;
  application_id: string;
  otp_settings: Record<string, unknown>;
}

/** The unrevoked key with this hash, with its application's OTP settings. */
export async function findLiveKey(q: Queryable, keyHash: string): Promise<LiveKey | null> {
  const rows = await q.query<LiveKey>(
    `SELECT k.id AS key_id, k.key_hash, k.application_id, a.otp_settings
       FROM api_keys k JOIN applications a ON a.id = k.application_id
      WHERE k.key_hash = $1 AND k.revoked_at IS NULL`,
    [keyHash],
  );
  return rows[0] ?? null;
}
