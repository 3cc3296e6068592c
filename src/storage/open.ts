// Owns choosing and opening the store from configuration: PostgreSQL when DATABASE_URL is set,
// otherwise PGlite under <data dir>/pgdata with the directory lock held. Migrations run on open.
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { openPg, openPglite, type Db } from './db.ts';
import { lockDataDir } from './dir-lock.ts';
import { migrate } from './migrate.ts';

export interface OpenedStore {
  db: Db;
  description: string;
  /** Closes the database (checkpointing PGlite) and releases the directory lock. */
  close(): Promise<void>;
}

export async function openStore(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_POOL_SIZE' | 'dataDir'>): Promise<OpenedStore> {
  if (config.DATABASE_URL) {
    const db = openPg({ url: config.DATABASE_URL, poolSize: config.DATABASE_POOL_SIZE });
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    return { db, description: 'PostgreSQL (DATABASE_URL)', close: () => db.close() };
  }
  const release = lockDataDir(config.dataDir);
  try {
    const db = await openPglite(path.join(config.dataDir, 'pgdata'));
    await migrate(db);
    return {
      db,
      description: `embedded PGlite in ${config.dataDir}`,
      async close() {
        await db.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
