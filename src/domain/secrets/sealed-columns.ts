// Owns the one list of columns that hold data sealed with the server secret (keyring.encrypt), and the
// index-served queries over them: which key ids a column still uses, how many rows use one, a batch of
// rows sealed with one. A new sealed column is one entry here (and its index in a migration, the shape
// of 019_secret_keys.sql); the start-up check, `secrets status` and `secrets rotate` follow it.
import type { Queryable } from '../../storage/db.ts';

export interface SealedColumn {
  /** "table.column", as reports name it. */
  name: string;
  table: string;
  column: string;
  /** The primary key's columns (a re-seal updates one row by them). */
  key: readonly string[];
  /** What the rows are, for messages. */
  what: string;
  /** SQL condition for rows still in use (the others never need their key again), or none. */
  live?: string;
}

// Identifiers below are constants, never input: they are spliced into SQL.
export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { name: 'applications.callback_secret', table: 'applications', column: 'callback_secret', key: ['id'], what: 'callback signing secrets' },
  {
    name: 'application_secrets.secret_ciphertext',
    table: 'application_secrets',
    column: 'secret_ciphertext',
    key: ['application_id', 'name'],
    // expired secrets are still listed with their values by the Management API, so they count
    what: 'application client secrets',
  },
  {
    name: 'oidc_keys.material',
    table: 'oidc_keys',
    column: 'material',
    key: ['id'],
    what: 'OIDC signing and cookie keys',
    // a retired key past its grace is never read again (oidc/keys.ts)
    live: 'retired_at IS NULL OR retire_after > now()',
  },
  { name: 'connectors.config', table: 'connectors', column: 'config', key: ['id'], what: 'connector configurations' },
  { name: 'sso_connectors.config', table: 'sso_connectors', column: 'config', key: ['id'], what: 'SSO connector configurations' },
  { name: 'user_mfa_factors.totp_secret', table: 'user_mfa_factors', column: 'totp_secret', key: ['id'], what: 'TOTP authenticator secrets' },
];

/** Sealed values inside short-lived JSON (a TOTP secret being bound, a social session, an SSO PKCE
 *  verifier): not re-sealed by rotation; they expire on their own (expires_at is indexed). */
export const SHORT_LIVED: readonly { name: string; table: string; what: string }[] = [
  { name: 'experience_interactions.state', table: 'experience_interactions', what: 'sign-in interactions in progress' },
  { name: 'verification_records.data', table: 'verification_records', what: 'Account API verification records' },
];

/** Keyed digests that name their key: not re-sealable (the plaintext is gone), they stop checking once
 *  their secret is dropped. Reported, not refused: the users make new ones. */
export const KEYED_DIGESTS: readonly { name: string; table: string; what: string; keyColumn: string; live: string }[] = [
  { name: 'user_backup_codes.digest', table: 'user_backup_codes', what: 'unused backup codes', keyColumn: 'key_id', live: 'used_at IS NULL' },
];

/** Unused digests per key id (skip scan of user_backup_codes_unused_key, then an index range per key). */
export async function digestKeyCounts(q: Queryable, d: (typeof KEYED_DIGESTS)[number]): Promise<{ keyId: string; count: number }[]> {
  const next = `SELECT ${d.keyColumn} FROM ${d.table} WHERE ${d.live}`;
  const ids = await q.query<{ key_id: string }>(
    `WITH RECURSIVE ids(k) AS (
       (${next} ORDER BY ${d.keyColumn} LIMIT 1)
       UNION ALL
       SELECT (${next} AND ${d.keyColumn} > ids.k ORDER BY ${d.keyColumn} LIMIT 1) FROM ids WHERE ids.k IS NOT NULL
     )
     SELECT k AS key_id FROM ids WHERE k IS NOT NULL`,
  );
  const counts: { keyId: string; count: number }[] = [];
  for (const { key_id } of ids) {
    const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${d.table} WHERE ${d.live} AND ${d.keyColumn} = $1`, [key_id]);
    counts.push({ keyId: key_id, count: row?.n ?? 0 });
  }
  return counts;
}

const keyExpr = (c: SealedColumn) => `split_part(${c.column}, '.', 1)`;
/** Every query's filter: matches the partial index's predicate (IS NOT NULL), plus the live rows. */
const filter = (c: SealedColumn) => `${c.column} IS NOT NULL${c.live ? ` AND (${c.live})` : ''}`;

/**
 * The distinct key ids of the column's live rows, by a skip scan of its key-id index: each step is
 * one index probe for the next larger key id, so the cost follows the number of keys, not of rows.
 */
export async function keyIdsOf(q: Queryable, c: SealedColumn): Promise<string[]> {
  return (await q.query<{ key_id: string }>(keyIdsSql(c))).map((r) => r.key_id);
}

/** keyIdsOf's statement (exported for the plan test). */
export function keyIdsSql(c: SealedColumn): string {
  const next = `SELECT ${keyExpr(c)} FROM ${c.table} WHERE ${filter(c)}`;
  return `WITH RECURSIVE ids(k) AS (
       (${next} ORDER BY ${keyExpr(c)} LIMIT 1)
       UNION ALL
       SELECT (${next} AND ${keyExpr(c)} > ids.k ORDER BY ${keyExpr(c)} LIMIT 1) FROM ids WHERE ids.k IS NOT NULL
     )
     SELECT k AS key_id FROM ids WHERE k IS NOT NULL`;
}

/** countSealedWith's and rowsSealedWith's condition (exported for the plan test). */
export const sealedWithCondition = (c: SealedColumn) => `${filter(c)} AND ${keyExpr(c)} = $1`;

/** Live rows of the column sealed with `keyId` (an index range; used for reports, not per request). */
export async function countSealedWith(q: Queryable, c: SealedColumn, keyId: string): Promise<number> {
  const [row] = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${c.table} WHERE ${sealedWithCondition(c)}`, [keyId]);
  return row?.n ?? 0;
}

export interface SealedRow {
  key: unknown[];
  value: string;
}

/** Up to `limit` live rows sealed with `keyId` (index range on the key id). */
export async function rowsSealedWith(q: Queryable, c: SealedColumn, keyId: string, limit: number): Promise<SealedRow[]> {
  const rows = await q.query<Record<string, unknown>>(
    `SELECT ${c.key.join(', ')}, ${c.column} AS sealed_value FROM ${c.table}
      WHERE ${sealedWithCondition(c)} LIMIT ${Math.trunc(limit)}`,
    [keyId],
  );
  return rows.map((r) => ({ key: c.key.map((k) => r[k]), value: r.sealed_value as string }));
}

/**
 * Replaces one sealed value if it is still the one read (compare-and-set): a concurrent writer's new
 * value (sealed with the current key by then) wins, and this returns false.
 */
export async function replaceSealed(q: Queryable, c: SealedColumn, row: SealedRow, value: string): Promise<boolean> {
  const where = c.key.map((k, i) => `${k} = $${i + 2}`).join(' AND ');
  const updated = await q.query(
    `UPDATE ${c.table} SET ${c.column} = $1 WHERE ${where} AND ${c.column} = $${c.key.length + 2} RETURNING 1 AS one`,
    [value, ...row.key, row.value],
  );
  return updated.length === 1;
}

/** Unexpired rows of a short-lived table and when the last of them expires (expires_at index). */
export async function shortLivedOf(q: Queryable, table: string): Promise<{ live: number; lastExpiry: Date | null }> {
  const [row] = await q.query<{ live: number; last: Date | string | null }>(
    `SELECT count(*)::int AS live, max(expires_at) AS last FROM ${table} WHERE expires_at > now()`,
  );
  return { live: row?.live ?? 0, lastExpiry: row?.last == null ? null : new Date(row.last) };
}
