// Migrations apply once, in order, and are idempotent; concurrent migrators (PostgreSQL) never
// apply one twice.
import { describe, expect, it } from 'vitest';
import { openPg } from '../../src/storage/db.ts';
import { listMigrations, migrate } from '../../src/storage/migrate.ts';
import { createTestDb, onPostgres, useTestDb } from '../helpers/db.ts';

const t = useTestDb();

describe('migrate', () => {
  it('has applied every migration once; running again applies nothing', async () => {
    const files = listMigrations();
    expect(files.map((m) => m.version)).toEqual(files.map((_m, i) => i + 1));
    expect(await migrate(t.db)).toEqual([]);
    const rows = await t.db.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(files.map((m) => m.version));
  });

  it.skipIf(!onPostgres)('concurrent migrators on a fresh schema apply each migration exactly once', async () => {
    const fresh = await createTestDb();
    try {
      await fresh.db.exec(`DROP SCHEMA ${fresh.schema} CASCADE; CREATE SCHEMA ${fresh.schema}`);
      const pools = Array.from({ length: 4 }, () => openPg({ url: fresh.url!, poolSize: 2, schema: fresh.schema! }));
      const results = await Promise.all(pools.map((p) => migrate(p)));
      await Promise.all(pools.map((p) => p.close()));
      expect(results.flat().sort((a, b) => a - b)).toEqual(listMigrations().map((m) => m.version));
    } finally {
      await fresh.close();
    }
  });

  it('rolls back a failing migration completely', async () => {
    await expect(t.db.tx(async (q) => {
      await q.exec('CREATE TABLE half_done (x int)');
      throw new Error('boom');
    })).rejects.toThrow('boom');
    const rows = await t.db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(rows).toHaveLength(0);
  });
});
