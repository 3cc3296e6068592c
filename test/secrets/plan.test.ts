// Every query over a sealed column is served by its key-id index (019_secret_keys.sql): on a seeded
// user_mfa_factors the start-up skip scan and the per-key range read the index, never the whole table.
import { beforeAll, expect, it } from 'vitest';
import { keyIdsOf, keyIdsSql, SEALED_COLUMNS, sealedWithCondition } from '../../src/domain/secrets/sealed-columns.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();
const ROWS = 20_000;
const totp = SEALED_COLUMNS.find((c) => c.table === 'user_mfa_factors')!;

beforeAll(async () => {
  await t.db.query(
    `INSERT INTO users (id, created_at, updated_at) SELECT lpad(i::text, 12, '0'), now(), now() FROM generate_series(1, $1) i`,
    [ROWS],
  );
  await t.db.query(
    `INSERT INTO user_mfa_factors (id, user_id, type, created_at, totp_secret)
     SELECT 'f' || i, lpad(i::text, 12, '0'), 'Totp', now(), (CASE WHEN i % 100 = 0 THEN 'aaaaaaaaaaaa' ELSE 'bbbbbbbbbbbb' END) || '.iv.tag.body' || i
       FROM generate_series(1, $1) i`,
    [ROWS],
  );
  await t.db.query('ANALYZE user_mfa_factors');
}, 120_000);

const plan = async (sql: string, params: unknown[] = []) =>
  (await t.db.query<Record<string, string>>(`EXPLAIN ${sql}`, params)).map((r) => Object.values(r)[0]).join('\n');

it('the start-up skip scan finds the key ids through the index', async () => {
  expect(await keyIdsOf(t.db, totp)).toEqual(['aaaaaaaaaaaa', 'bbbbbbbbbbbb']);
  const text = await plan(keyIdsSql(totp));
  expect(text).toContain('user_mfa_factors_totp_secret_key');
  expect(text).not.toMatch(/Seq Scan on user_mfa_factors/);
});

it('the per-key range (status counts, rotate batches) reads the index', async () => {
  const text = await plan(`SELECT id FROM user_mfa_factors WHERE ${sealedWithCondition(totp)} LIMIT 200`, ['aaaaaaaaaaaa']);
  expect(text).toContain('user_mfa_factors_totp_secret_key');
  expect(text).not.toMatch(/Seq Scan/);
});
