// Owns the SQL of the audit log (audit_logs, migration 008): append a row, list newest first with
// exact-match filters, read one. Rows are never updated. A row may also ride on another statement
// (auditRowInsert): the state change it records writes it, so the two commit together.
import type { Queryable } from '../db.ts';
import { listTotal, type PageWindow } from '../list-total.ts';

export interface AuditLogRow {
  id: string;
  key: string;
  result: 'Success' | 'Error';
  user_id: string | null;
  application_id: string | null;
  interaction_id: string | null;
  method: string | null;
  identifier: { type: string; value: string } | null;
  error: { code: string; message: string } | null;
  ip: string | null;
  user_agent: string | null;
  created_at: Date;
}

export interface AuditLogFilter {
  userId?: string;
  applicationId?: string;
  key?: string;
}

const COLUMNS = 'id, key, result, user_id, application_id, interaction_id, method, identifier, error, ip, user_agent, created_at';

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));
const paramsOf = (row: AuditLogRow): unknown[] => [
  row.id,
  row.key,
  row.result,
  row.user_id,
  row.application_id,
  row.interaction_id,
  row.method,
  json(row.identifier),
  json(row.error),
  row.ip,
  row.user_agent,
  row.created_at.toISOString(),
];
const TYPES = ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'jsonb', 'jsonb', 'text', 'text', 'timestamptz'];

export async function insertAuditLogRow(q: Queryable, row: AuditLogRow): Promise<void> {
  await q.query(`INSERT INTO audit_logs (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb, $10, $11, $12)`, paramsOf(row));
}

/**
 * The row as a data-modifying CTE body for another statement, its parameters numbered from `first`:
 * `INSERT INTO audit_logs (…) SELECT $first, … FROM <from>`, so it is written once per row of `from`
 * (the CTE of the change it records: no change, no row).
 */
export function auditRowInsert(row: AuditLogRow, first: number, from: string): { sql: string; params: unknown[] } {
  const values = TYPES.map((type, i) => `$${first + i}::${type}`).join(', ');
  return { sql: `INSERT INTO audit_logs (${COLUMNS}) SELECT ${values} FROM ${from}`, params: paramsOf(row) };
}

/**
 * Newest first (rows of one instant in the order they were written), with the filtered total
 * (storage/list-total.ts: exact up to its bound, estimated above). The page's keys (created_at, seq)
 * come first from the index of the filter alone (index-only, so a deep OFFSET skips index entries,
 * not table rows), then only those rows are read through audit_logs_created.
 */
export async function listAuditLogRows(
  q: Queryable,
  filter: AuditLogFilter,
  page: PageWindow,
): Promise<{ rows: AuditLogRow[]; total: number }> {
  // Only the given filters become conditions, so each combination gets a plan that can use its index.
  const params: unknown[] = [];
  const where: string[] = [];
  const add = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    where.push(`${column} = $${params.length}`);
  };
  add('user_id', filter.userId);
  add('application_id', filter.applicationId);
  add('key', filter.key);
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const n = params.length;
  const rows = await q.query<AuditLogRow>(
    `SELECT ${COLUMNS.split(', ').map((c) => `a.${c}`).join(', ')}
       FROM (SELECT created_at, seq FROM audit_logs ${clause} ORDER BY created_at DESC, seq DESC LIMIT $${n + 1} OFFSET $${n + 2}) AS k
       JOIN audit_logs a ON a.created_at = k.created_at AND a.seq = k.seq
      ORDER BY a.created_at DESC, a.seq DESC`,
    [...params, page.limit, page.offset],
  );
  return { rows, total: await listTotal(q, `FROM audit_logs ${clause}`, 'created_at DESC, seq DESC', params, page, rows.length) };
}

export async function findAuditLogRow(q: Queryable, id: string): Promise<AuditLogRow | null> {
  return (await q.query<AuditLogRow>(`SELECT ${COLUMNS} FROM audit_logs WHERE id = $1`, [id]))[0] ?? null;
}
