// Owns the SQL of connectors. `config` is ciphertext here: the domain encrypts and decrypts it.
import type { Queryable } from '../db.ts';

export type ConnectorType = 'Email' | 'Sms' | 'Social';

export interface ConnectorRow {
  id: string;
  connector_id: string;
  type: ConnectorType;
  sync_profile: boolean;
  /** AES-256-GCM ciphertext of the config JSON (crypto/keyring.ts). */
  config: string;
  metadata: Record<string, unknown>;
  created_at: Date;
}

/**
 * Inserts the connector. An Email or SMS connector replaces the existing one of its type in the
 * same statement (ON CONFLICT on the partial unique index connectors_one_passwordless), so
 * concurrent creations serialise on the index and the last one wins instead of failing.
 */
export async function insertConnector(q: Queryable, row: ConnectorRow): Promise<ConnectorRow> {
  const rows = await q.query<ConnectorRow>(
    `INSERT INTO connectors (id, connector_id, type, sync_profile, config, metadata, created_at)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (type) WHERE type IN ('Email', 'Sms') DO UPDATE
       SET id = EXCLUDED.id, connector_id = EXCLUDED.connector_id, sync_profile = EXCLUDED.sync_profile,
           config = EXCLUDED.config, metadata = EXCLUDED.metadata, created_at = EXCLUDED.created_at
     RETURNING *`,
    [row.id, row.connector_id, row.type, row.sync_profile, row.config, JSON.stringify(row.metadata), row.created_at.toISOString()],
  );
  return rows[0]!;
}

/** Advisory lock key serialising Social connector creations (src/oidc/keys.ts uses another). */
const SOCIAL_CREATION_LOCK = 0x5e_c1a1;

/** Serialises Social connector creations until the transaction ends: C1's rules for them (one instance
 *  of a non-standard factory, one connector per target and platform) span rows no index can hold. */
export async function lockSocialCreation(q: Queryable): Promise<void> {
  await q.query('SELECT pg_advisory_xact_lock($1)', [SOCIAL_CREATION_LOCK]);
}

export function listConnectorRows(q: Queryable): Promise<ConnectorRow[]> {
  return q.query<ConnectorRow>('SELECT * FROM connectors ORDER BY created_at, id');
}

export async function findConnectorRow(q: Queryable, id: string): Promise<ConnectorRow | null> {
  return (await q.query<ConnectorRow>('SELECT * FROM connectors WHERE id = $1', [id]))[0] ?? null;
}

/** The Email or SMS connector (there is at most one of each, see connectors_one_passwordless). */
export async function findPasswordlessConnector(q: Queryable, type: 'Email' | 'Sms'): Promise<ConnectorRow | null> {
  return (await q.query<ConnectorRow>('SELECT * FROM connectors WHERE type = $1', [type]))[0] ?? null;
}

/** The types that have a connector (for the sign-in experience's connector checks). */
export async function connectorTypes(q: Queryable): Promise<Set<ConnectorType>> {
  const rows = await q.query<{ type: ConnectorType }>('SELECT DISTINCT type FROM connectors');
  return new Set(rows.map((r) => r.type));
}

/** Writes the given fields; null when no connector has this id. */
export async function updateConnectorRow(
  q: Queryable,
  id: string,
  patch: { config?: string; metadata?: Record<string, unknown>; sync_profile?: boolean },
): Promise<ConnectorRow | null> {
  const rows = await q.query<ConnectorRow>(
    `UPDATE connectors SET config = COALESCE($2, config), metadata = COALESCE($3::jsonb, metadata),
            sync_profile = COALESCE($4, sync_profile)
      WHERE id = $1 RETURNING *`,
    [id, patch.config ?? null, patch.metadata === undefined ? null : JSON.stringify(patch.metadata), patch.sync_profile ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteConnectorRow(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM connectors WHERE id = $1 RETURNING id', [id])).length > 0;
}
