// Owns the SQL of the Account Center settings (account_centers, migration 016): one row, `default`.
import type { Queryable } from '../db.ts';

export interface AccountCenterRow {
  id: string;
  enabled: boolean;
  fields: Record<string, string>;
}

export const ACCOUNT_CENTER_ID = 'default';

export async function findAccountCenter(q: Queryable): Promise<AccountCenterRow | null> {
  const rows = await q.query<AccountCenterRow>('SELECT id, enabled, fields FROM account_centers WHERE id = $1', [ACCOUNT_CENTER_ID]);
  return rows[0] ?? null;
}

/** Sets what is given (`fields` replaces the stored object whole); null when the row is missing. */
export async function updateAccountCenter(
  q: Queryable,
  patch: { enabled?: boolean; fields?: Record<string, string> },
): Promise<AccountCenterRow | null> {
  const rows = await q.query<AccountCenterRow>(
    `UPDATE account_centers SET enabled = COALESCE($2, enabled), fields = COALESCE($3::jsonb, fields)
      WHERE id = $1 RETURNING id, enabled, fields`,
    [ACCOUNT_CENTER_ID, patch.enabled ?? null, patch.fields === undefined ? null : JSON.stringify(patch.fields)],
  );
  return rows[0] ?? null;
}
