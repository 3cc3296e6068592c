// Owns the bench's PostgreSQL footprint: which server it uses, and one throwaway schema per target,
// named bench_<purpose>_<random>, created before the run and dropped (CASCADE) at the end, the
// baselines' bare pg.Pool in such a schema, and which backends are the bench's (for cpu.ts).
import crypto from 'node:crypto';
import pg from 'pg';
import { statementLog, type StatementLog } from './counting-db.ts';
import { BENCH_APP_NAME } from './cpu.ts';
import type { Teardown } from './lifecycle.ts';

export const databaseUrl = (): string =>
  process.env.BENCH_DATABASE_URL ??
  process.env.TEST_DATABASE_URL ??
  process.env.DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/test';

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: `${BENCH_APP_NAME}-admin` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createSchema(url: string, purpose: string): Promise<string> {
  const name = `bench_${purpose}_${crypto.randomBytes(5).toString('hex')}`;
  await admin(url, (c) => c.query(`CREATE SCHEMA ${name}`));
  return name;
}

export async function dropSchema(url: string, name: string): Promise<void> {
  await admin(url, (c) => c.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`));
}

export interface BareDb {
  /** pool.query (unnamed statements, as a bare server sends them), timed into `statements`. */
  query<R extends pg.QueryResultRow = any>(sql: string, params?: unknown[]): Promise<pg.QueryResult<R>>;
  statements: StatementLog;
}

/** A bare pg.Pool of `poolSize` in a fresh schema; `down` receives the steps that end it and drop the schema. */
export async function bareDb(url: string, purpose: string, poolSize: number, down: Teardown): Promise<BareDb> {
  const schema = await createSchema(url, purpose);
  down.add(() => dropSchema(url, schema));
  const pool = new pg.Pool({ connectionString: url, max: poolSize, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  down.add(() => pool.end());
  const statements = statementLog();
  return { statements, query: (sql, params) => statements.time(sql, () => pool.query(sql, params)) };
}

/** The server's version string and the settings that bound single-row write throughput. */
export async function serverInfo(url: string): Promise<string> {
  return admin(url, async (c) => {
    const version = (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '?';
    const rows = (
      await c.query<{ name: string; setting: string }>(
        `SELECT name, setting FROM pg_settings WHERE name IN ('synchronous_commit', 'fsync', 'max_connections') ORDER BY name`,
      )
    ).rows;
    return `PostgreSQL ${version} (${rows.map((r) => `${r.name}=${r.setting}`).join(', ')})`;
  });
}

/** Pids of the bench's own backends (by application_name) and of the server's background processes. */
export async function benchBackends(url: string): Promise<Set<number>> {
  return admin(url, async (c) => {
    const { rows } = await c.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR backend_type <> 'client backend'`,
      [BENCH_APP_NAME],
    );
    return new Set(rows.map((r) => r.pid));
  });
}
