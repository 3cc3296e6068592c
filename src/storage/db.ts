// Owns the one database handle every module uses: `{ query, tx, close }` over PGlite or a pg pool.
// Both drivers speak the same PostgreSQL dialect; nothing above this file knows which one runs.
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'pg';
  /** Runs fn inside BEGIN … COMMIT on one connection; rolls back when fn throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface PgOptions {
  url: string;
  poolSize: number;
  /** Sets search_path on every connection (tests use a schema each). */
  schema?: string;
}

const statementNames = new Map<string, string>();

/**
 * Every parameterised statement runs as a named prepared statement: PostgreSQL plans it once per
 * connection instead of on every call (planning cost more than executing our short statements).
 * The name is derived from the text, so one name always means one text.
 */
function prepared(sql: string, params: readonly unknown[] | undefined): pg.QueryConfig {
  let name = statementNames.get(sql);
  if (!name) {
    name = `v_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] | undefined };
}

export function openPg(options: PgOptions): Db {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
  });
  // An idle client that loses its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return {
    driver: 'pg',
    async query<T>(sql: string, params?: readonly unknown[]) {
      const result = await pool.query(prepared(sql, params));
      return result.rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const q: Queryable = {
          async query<R>(sql: string, params?: readonly unknown[]) {
            return (await client.query(prepared(sql, params))).rows as R[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
        };
        const value = await fn(q);
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Opens PGlite persisted at dataDir, or in memory when dataDir is undefined. */
export async function openPglite(dataDir?: string): Promise<Db> {
  const lite = await PGlite.create(dataDir ? { dataDir } : {});
  const wrap = (runner: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      return (await runner.query<T>(sql, params as unknown[] | undefined)).rows;
    },
    async exec(sql: string) {
      await runner.exec(sql);
    },
  });
  const base = wrap(lite);
  let closed = false;
  return {
    driver: 'pglite',
    query: base.query,
    exec: base.exec,
    tx: (fn) => lite.transaction((t) => fn(wrap(t))),
    async close() {
      if (closed) return;
      closed = true;
      // A checkpoint first, so the next start does not replay the WAL.
      await lite.exec('CHECKPOINT').catch(() => undefined);
      await lite.close();
    },
  };
}
