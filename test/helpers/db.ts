// A fresh database for one test file: in-memory PGlite, or (VERITY_TEST_DRIVER=pg) a schema of its
// own on TEST_DATABASE_URL, dropped afterwards. Migrated either way; parallel files never share data.
import crypto from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openPg, openPglite, type Db } from '../../src/storage/db.ts';
import { migrate } from '../../src/storage/migrate.ts';

export const onPostgres = process.env.VERITY_TEST_DRIVER === 'pg';

export interface TestDb {
  db: Db;
  /** For PostgreSQL: connection settings a second process can use to reach the same schema. */
  url?: string;
  schema?: string;
  close(): Promise<void>;
}

export async function createTestDb(options: { poolSize?: number } = {}): Promise<TestDb> {
  if (!onPostgres) {
    const db = await openPglite();
    await migrate(db);
    return { db, close: () => db.close() };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('VERITY_TEST_DRIVER=pg needs TEST_DATABASE_URL');
  const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const db = openPg({ url, poolSize: options.poolSize ?? 10, schema });
  await migrate(db);
  return {
    db,
    url,
    schema,
    async close() {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** A TestDb for the whole file: created before its tests, dropped after them. */
export function useTestDb(options: { poolSize?: number } = {}): TestDb {
  const handle = {} as TestDb;
  beforeAll(async () => {
    Object.assign(handle, await createTestDb(options));
  });
  afterAll(() => handle.close());
  return handle;
}

/** Runs `fn` with a client of TEST_DATABASE_URL (or `url`), closed afterwards. */
export async function withPgClient<T>(fn: (client: pg.Client) => Promise<T>, url = process.env.TEST_DATABASE_URL): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A whole PostgreSQL database of its own (for tests whose server processes run their own
 *  migrations), on TEST_DATABASE_URL's server; drop() removes it, connections and all. */
export async function createScratchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (!process.env.TEST_DATABASE_URL) throw new Error('VERITY_TEST_DRIVER=pg needs TEST_DATABASE_URL');
  const name = `${prefix}_${crypto.randomBytes(6).toString('hex')}`;
  await withPgClient((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(process.env.TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => withPgClient((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}
