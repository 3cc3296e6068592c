// Owns the SQL behind the Management Applications API: the OIDC-client columns of `applications`
// (002_oidc.sql), list filters and search, patch, delete. Rows are created by repos/apps.ts insertApp
// (through domain/apps createApplication, which also sets the OTP columns) and completed here.
import type { Search } from '../../domain/search.ts';
import type { Queryable } from '../db.ts';
import { searchCondition } from '../search-sql.ts';

export interface ApplicationRow {
  id: string;
  name: string;
  description: string | null;
  type: string;
  secret_hash: string | null;
  oidc_client_metadata: Record<string, unknown>;
  custom_client_metadata: Record<string, unknown>;
  custom_data: Record<string, unknown>;
  is_third_party: boolean;
  /** Holds the #internal:admin role (roles.ts), the deprecated `isAdmin` flag. */
  is_admin: boolean;
  created_at: Date;
}

/** The columns a caller may set; JSON columns are written whole. */
export interface ApplicationFields {
  name?: string;
  description?: string | null;
  type?: string;
  secret_hash?: string | null;
  oidc_client_metadata?: Record<string, unknown>;
  custom_client_metadata?: Record<string, unknown>;
  custom_data?: Record<string, unknown>;
  is_third_party?: boolean;
}

const COLUMNS = `id, name, description, type, secret_hash, oidc_client_metadata, custom_client_metadata, custom_data,
  is_third_party, created_at,
  EXISTS (SELECT 1 FROM application_roles ar WHERE ar.application_id = applications.id AND ar.role_id = 'admin-role') AS is_admin`;
const JSON_COLUMNS = new Set(['oidc_client_metadata', 'custom_client_metadata', 'custom_data']);

export async function findApplication(q: Queryable, id: string): Promise<ApplicationRow | null> {
  return (await q.query<ApplicationRow>(`SELECT ${COLUMNS} FROM applications WHERE id = $1`, [id]))[0] ?? null;
}

/** Sets the given columns (none given: just reads the row). Null when there is no such application. */
export async function updateApplication(q: Queryable, id: string, fields: ApplicationFields): Promise<ApplicationRow | null> {
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return findApplication(q, id);
  // Column names come from the fixed ApplicationFields keys, never from the request.
  const sets = entries.map(([column], i) => `${column} = $${i + 2}${JSON_COLUMNS.has(column) ? '::jsonb' : ''}`);
  const values = entries.map(([column, v]) => (JSON_COLUMNS.has(column) ? JSON.stringify(v) : v));
  const rows = await q.query<ApplicationRow>(`UPDATE applications SET ${sets.join(', ')} WHERE id = $1 RETURNING ${COLUMNS}`, [
    id,
    ...values,
  ]);
  return rows[0] ?? null;
}

export async function deleteApplication(q: Queryable, id: string): Promise<boolean> {
  return (await q.query('DELETE FROM applications WHERE id = $1 RETURNING id', [id])).length > 0;
}

export const APPLICATION_SEARCH_FIELDS = ['id', 'name', 'description'] as const;
export type ApplicationSearchField = (typeof APPLICATION_SEARCH_FIELDS)[number];
const SEARCH_COLUMNS: Record<ApplicationSearchField, string> = { id: 'id', name: 'name', description: `coalesce(description, '')` };

export interface ApplicationFilter {
  types?: string[];
  isThirdParty?: boolean;
  search?: Search<ApplicationSearchField> | null;
  /** Leave out applications holding this role. */
  excludeRoleId?: string;
}

function whereOf(filter: ApplicationFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions: string[] = [];
  if (filter.types?.length) conditions.push(`type = ANY(${param(filter.types)}::text[])`);
  if (filter.isThirdParty !== undefined) conditions.push(`is_third_party = ${param(filter.isThirdParty)}`);
  if (filter.excludeRoleId)
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM application_roles ar WHERE ar.application_id = applications.id AND ar.role_id = ${param(filter.excludeRoleId)})`,
    );
  if (filter.search && filter.search.matches.length > 0) conditions.push(searchCondition(filter.search, SEARCH_COLUMNS, param));
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** Matching applications, newest first, and how many match in all. */
export async function listApplications(
  q: Queryable,
  filter: ApplicationFilter,
  page: { limit: number; offset: number } | null,
): Promise<{ rows: ApplicationRow[]; total: number }> {
  const where = whereOf(filter);
  const n = where.params.length;
  const limit = page ? ` LIMIT $${n + 1} OFFSET $${n + 2}` : '';
  const rows = await q.query<ApplicationRow>(
    `SELECT ${COLUMNS} FROM applications ${where.sql} ORDER BY created_at DESC, id DESC${limit}`,
    page ? [...where.params, page.limit, page.offset] : where.params,
  );
  if (!page) return { rows, total: rows.length };
  const [count] = await q.query<{ total: string | number }>(`SELECT count(*) AS total FROM applications ${where.sql}`, where.params);
  return { rows, total: Number(count?.total ?? 0) };
}
