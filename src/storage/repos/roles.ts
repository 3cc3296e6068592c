// Owns the SQL of roles and of which applications hold them (006_roles_and_secrets.sql). A role's
// scopes are scopes of the Management API resource; an application's Management API scopes are the
// union over its roles, needed on every token grant and every Management call; callers read it
// through the per-process cache (oidc/clients.ts heldManagementScopes), which a change to roles or
// role assignments in any process empties, so a removed role still takes effect at once.
import type { Queryable } from '../db.ts';
import { searchCondition } from '../search-sql.ts';
import type { Search } from '../../domain/search.ts';

export const INTERNAL_ADMIN_ROLE_ID = 'admin-role';

export interface RoleRow {
  id: string;
  name: string;
  description: string;
  type: 'User' | 'MachineToMachine';
  is_default: boolean;
  scopes: string[];
  created_at: Date;
}

export interface RoleSummaryRow extends RoleRow {
  applications_count: string | number;
  featured_applications: Array<{ id: string; name: string; type: string }>;
}

export const ROLE_SEARCH_FIELDS = ['id', 'name', 'description'] as const;
export type RoleSearchField = (typeof ROLE_SEARCH_FIELDS)[number];
const SEARCH_COLUMNS: Record<RoleSearchField, string> = { id: 'r.id', name: 'r.name', description: 'r.description' };

export interface RoleFilter {
  type?: 'User' | 'MachineToMachine';
  search?: Search<RoleSearchField> | null;
  /** Only roles this application holds. */
  applicationId?: string;
}

const SUMMARY = `r.*,
  (SELECT count(*) FROM application_roles ar WHERE ar.role_id = r.id) AS applications_count,
  COALESCE((SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'type', a.type) ORDER BY ar.created_at)
              FROM (SELECT * FROM application_roles WHERE role_id = r.id ORDER BY created_at LIMIT 3) ar
              JOIN applications a ON a.id = ar.application_id), '[]'::json) AS featured_applications`;

export async function findRole(q: Queryable, id: string): Promise<RoleRow | null> {
  return (await q.query<RoleRow>('SELECT * FROM roles WHERE id = $1', [id]))[0] ?? null;
}

export async function findRoles(q: Queryable, ids: string[]): Promise<RoleRow[]> {
  return q.query<RoleRow>('SELECT * FROM roles WHERE id = ANY($1::text[])', [ids]);
}

/** Matching roles (oldest first, as Logto lists them) with their application counts, and the total. */
export async function listRoles(
  q: Queryable,
  filter: RoleFilter,
  page: { limit: number; offset: number } | null,
): Promise<{ rows: RoleSummaryRow[]; total: number }> {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const conditions: string[] = [];
  if (filter.type) conditions.push(`r.type = ${param(filter.type)}`);
  if (filter.applicationId)
    conditions.push(`EXISTS (SELECT 1 FROM application_roles x WHERE x.role_id = r.id AND x.application_id = ${param(filter.applicationId)})`);
  if (filter.search && filter.search.matches.length > 0) conditions.push(searchCondition(filter.search, SEARCH_COLUMNS, param));
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  const n = params.length;
  const limit = page ? ` LIMIT $${n + 1} OFFSET $${n + 2}` : '';
  const rows = await q.query<RoleSummaryRow>(
    `SELECT ${SUMMARY} FROM roles r ${where} ORDER BY r.created_at, r.id${limit}`,
    page ? [...params, page.limit, page.offset] : params,
  );
  if (!page) return { rows, total: rows.length };
  const [count] = await q.query<{ total: string | number }>(`SELECT count(*) AS total FROM roles r ${where}`, params);
  return { rows, total: Number(count?.total ?? 0) };
}

/** Adds the roles; false (nothing written) when the application already holds one of them. */
export async function addApplicationRoles(q: Queryable, applicationId: string, roleIds: string[]): Promise<boolean> {
  const rows = await q.query(
    `INSERT INTO application_roles (application_id, role_id) SELECT $1, unnest($2::text[])
     ON CONFLICT DO NOTHING RETURNING role_id`,
    [applicationId, roleIds],
  );
  return rows.length === new Set(roleIds).size;
}

/** The application holds exactly these roles afterwards. */
export async function replaceApplicationRoles(q: Queryable, applicationId: string, roleIds: string[]): Promise<void> {
  await q.query('DELETE FROM application_roles WHERE application_id = $1 AND NOT (role_id = ANY($2::text[]))', [applicationId, roleIds]);
  await q.query(
    `INSERT INTO application_roles (application_id, role_id) SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING`,
    [applicationId, roleIds],
  );
}

export async function removeApplicationRole(q: Queryable, applicationId: string, roleId: string): Promise<boolean> {
  const rows = await q.query('DELETE FROM application_roles WHERE application_id = $1 AND role_id = $2 RETURNING role_id', [
    applicationId,
    roleId,
  ]);
  return rows.length > 0;
}

/** The deprecated isAdmin flag: attaches or detaches #internal:admin. */
export async function setInternalAdmin(q: Queryable, applicationId: string, on: boolean): Promise<void> {
  if (on) await addApplicationRoles(q, applicationId, [INTERNAL_ADMIN_ROLE_ID]);
  else await removeApplicationRole(q, applicationId, INTERNAL_ADMIN_ROLE_ID);
}

/** The Management API scopes the application holds through its roles; null when there is no
 *  such application (one statement: it runs on every Management API call). */
export async function managementScopes(q: Queryable, applicationId: string): Promise<string[] | null> {
  const [row] = await q.query<{ scopes: string[] }>(
    `SELECT ARRAY(SELECT DISTINCT unnest(r.scopes) FROM application_roles ar JOIN roles r ON r.id = ar.role_id
                   WHERE ar.application_id = a.id) AS scopes
       FROM applications a WHERE a.id = $1`,
    [applicationId],
  );
  return row ? row.scopes : null;
}
