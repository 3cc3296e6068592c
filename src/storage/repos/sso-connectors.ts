// Owns the SQL of SSO connectors (migration 007). `config` is ciphertext here: the domain encrypts
// and decrypts it. Connector names are unique by constraint; callers map the 23505 it raises (see
// isConnectorNameViolation) instead of relying on a check before the write.
import { uniqueViolationText, type Queryable } from '../db.ts';

export interface SsoConnectorRow {
  id: string;
  provider_name: string;
  connector_name: string;
  /** AES-256-GCM ciphertext of the config JSON (crypto/keyring.ts). */
  config: string;
  domains: string[];
  branding: Record<string, unknown>;
  sync_profile: boolean;
  created_at: Date;
}

export type SsoConnectorPatch = Partial<Pick<SsoConnectorRow, 'connector_name' | 'config' | 'domains' | 'branding' | 'sync_profile'>>;

/** True when `error` is the unique violation of sso_connectors_connector_name_key. */
export function isConnectorNameViolation(error: unknown): boolean {
  return uniqueViolationText(error)?.includes('sso_connectors_connector_name_key') ?? false;
}

/** Throws the database's 23505 when the connector name is taken (see isConnectorNameViolation). */
export async function insertSsoConnectorRow(q: Queryable, row: SsoConnectorRow): Promise<SsoConnectorRow> {
  const rows = await q.query<SsoConnectorRow>(
    `INSERT INTO sso_connectors (id, provider_name, connector_name, config, domains, branding, sync_profile, created_at)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7, $8) RETURNING *`,
    [
      row.id,
      row.provider_name,
      row.connector_name,
      row.config,
      JSON.stringify(row.domains),
      JSON.stringify(row.branding),
      row.sync_profile,
      row.created_at.toISOString(),
    ],
  );
  return rows[0]!;
}

export async function findSsoConnectorRow(q: Queryable, id: string): Promise<SsoConnectorRow | null> {
  return (await q.query<SsoConnectorRow>('SELECT * FROM sso_connectors WHERE id = $1', [id]))[0] ?? null;
}

/** Whether another connector (not `exceptId`) has this name. A fast answer only: the constraint decides. */
export async function connectorNameExists(q: Queryable, name: string, exceptId?: string): Promise<boolean> {
  const rows = await q.query('SELECT 1 FROM sso_connectors WHERE connector_name = $1 AND id <> $2', [name, exceptId ?? '']);
  return rows.length > 0;
}

/** Newest first; the whole list when `page` is null. */
export async function listSsoConnectorRows(
  q: Queryable,
  page: { limit: number; offset: number } | null,
): Promise<{ rows: SsoConnectorRow[]; total: number }> {
  const rows = page
    ? await q.query<SsoConnectorRow>('SELECT * FROM sso_connectors ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2', [
        page.limit,
        page.offset,
      ])
    : await q.query<SsoConnectorRow>('SELECT * FROM sso_connectors ORDER BY created_at DESC, id DESC');
  const total = page ? (await q.query<{ n: number }>('SELECT count(*)::int AS n FROM sso_connectors'))[0]!.n : rows.length;
  return { rows, total };
}

/** Writes the given columns whole (no JSON merge); null when no connector has this id.
 *  Throws the database's 23505 when the new name is taken. */
export async function updateSsoConnectorRow(q: Queryable, id: string, patch: SsoConnectorPatch): Promise<SsoConnectorRow | null> {
  const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));
  const rows = await q.query<SsoConnectorRow>(
    `UPDATE sso_connectors
        SET connector_name = COALESCE($2, connector_name), config = COALESCE($3, config),
            domains = COALESCE($4::jsonb, domains), branding = COALESCE($5::jsonb, branding),
            sync_profile = COALESCE($6, sync_profile)
      WHERE id = $1 RETURNING *`,
    [id, patch.connector_name ?? null, patch.config ?? null, json(patch.domains), json(patch.branding), patch.sync_profile ?? null],
  );
  return rows[0] ?? null;
}

export async function deleteSsoConnectorRow(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM sso_connectors WHERE id = $1 RETURNING id', [id])).length > 0;
}
