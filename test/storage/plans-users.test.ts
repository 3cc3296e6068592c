// The hot statements of GET /api/users (list, deep page, search on each field and on all of them,
// count) and GET /api/logs (list, filters, deep page) keep a plan whose cost does not grow with the
// table: on 100 k users and 200 k audit rows seeded with generate_series and analysed, each statement
// the repositories actually send (captured through a wrapping Queryable) is EXPLAINed and must read
// the big tables only through the expected index; a sequential scan is accepted only where it
// cannot read more than a bounded number of rows (no filter, under a LIMIT). Dropping an index makes
// this fail. Also: Total-Number is exact up to COUNT_BOUND and an estimate of the right size above.
import { beforeAll, describe, expect, it } from 'vitest';
import { openPg, type Db, type Queryable, type QueryOptions } from '../../src/storage/db.ts';
import { COUNT_BOUND } from '../../src/storage/list-total.ts';
import { findInteraction } from '../../src/storage/repos/experience.ts';
import { listAuditLogRows, type AuditLogFilter } from '../../src/storage/repos/audit-logs.ts';
import { listUsers, type UserSearchField } from '../../src/storage/repos/users.ts';
import { parseSearch } from '../../src/domain/search.ts';
import { USER_SEARCH_FIELDS } from '../../src/storage/repos/users.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';
import { planOf, scansOf, statementOf, type PlanNode } from '../helpers/plans.ts';

const USERS = 100_000;
const LOGS = 200_000;
const BIG = new Set(['users', 'audit_logs']);
const t = useTestDb({ poolSize: 2 });

// --- seeding ----------------------------------------------------------------------------------

// Ids, emails, names: md5-derived, so their trigrams are spread like real data. User i (1-based)
// is the i-th oldest.
const idOf = (i: number | string) => `substr(md5('u' || ${i}), 1, 12)`;
const SEED_USERS = `
  INSERT INTO users (id, username, primary_email, primary_phone, name, created_at, updated_at)
  SELECT ${idOf('i')}, 'user_' || substr(md5('n' || i), 1, 8) || i,
         substr(md5('e' || i), 1, 10) || i || '@example.com', '+1' || lpad(i::text, 10, '0'),
         'Person ' || substr(md5('m' || i), 1, 6), ts, ts
    FROM generate_series(1, ${USERS}) AS i, LATERAL (SELECT timestamptz '2026-01-01' + i * interval '1 second' AS ts) AS x`;
const SEED_LOGS = `
  INSERT INTO audit_logs (id, key, result, user_id, application_id, created_at)
  SELECT md5('l' || i),
         (ARRAY['Interaction.SignIn.Submit', 'Interaction.Register.Submit', 'Interaction.SignIn.Verification.Password.Submit'])[1 + i % 3],
         'Success', CASE WHEN i % 4 = 0 THEN NULL ELSE ${idOf('1 + i % 100000')} END,
         CASE WHEN i % 2 = 0 THEN 'app' || (i % 10) END, timestamptz '2026-01-01' + i * interval '500 milliseconds'
    FROM generate_series(1, ${LOGS}) AS i`;

/** The seeded values of user i, computed the way SEED_USERS does (md5 in the database). */
async function userValues(q: Queryable, i: number) {
  const [row] = await q.query<Record<string, string>>(
    `SELECT id, username, primary_email AS "primaryEmail", primary_phone AS "primaryPhone", name FROM users WHERE id = ${idOf('$1::int')}`,
    [i],
  );
  return row!;
}

// --- plans ------------------------------------------------------------------------------------

/** Every statement a repository call sends, with its parameters (inside its transactions too). */
function capturing(db: Db) {
  const sent: { sql: string; params: readonly unknown[] }[] = [];
  const wrap = (inner: Queryable): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      sent.push({ sql, params: params ?? [] });
      return inner.query<T>(sql, params, options);
    },
    exec: (sql) => inner.exec(sql),
  });
  const q = { ...wrap(db), tx: <T>(fn: (q: Queryable) => Promise<T>) => db.tx((inner) => fn(wrap(inner))) };
  return { q, sent };
}

/** Indexes read on the big tables, and the scans of them whose cost grows with the table. */
function inspect(plan: PlanNode) {
  const indexes = new Set<string>();
  const unbounded: string[] = [];
  const walk = (node: PlanNode, underLimit: boolean) => {
    if (node['Index Name']) indexes.add(node['Index Name']);
    if (node['Node Type'] === 'Seq Scan' && BIG.has(node['Relation Name'] ?? '') && !(underLimit && !node.Filter)) {
      unbounded.push(`Seq Scan on ${node['Relation Name']}${node.Filter ? ` (filter ${node.Filter})` : ''}`);
    }
    // A limit bounds a plain scan below it; a sort or aggregate in between reads its whole input.
    const passes = node['Node Type'] === 'Limit' || (underLimit && ['Subquery Scan', 'Result'].includes(node['Node Type']));
    for (const child of node.Plans ?? []) walk(child, passes);
  };
  walk(plan, false);
  return { indexes, unbounded };
}

/** Runs `call`, EXPLAINs every statement it sent (but the planner-only estimate), and returns what
 *  each reads; fails on a scan that grows with the table. */
async function plansOf(call: (q: Queryable & Pick<Db, 'tx'>) => Promise<unknown>, strict = true) {
  const { q, sent } = capturing(t.db);
  await call(q);
  // The planner-only estimate and the transaction's setting read no table.
  const statements = sent.filter((s) => !/^\s*(EXPLAIN|SELECT set_config)/i.test(s.sql));
  expect(statements.length).toBeGreaterThan(0);
  const inspected = [];
  for (const s of statements) {
    const found = inspect(await planOf(t.db, s.sql, s.params));
    if (strict) expect(found.unbounded, s.sql).toEqual([]);
    inspected.push({ sql: s.sql, indexes: [...found.indexes] });
  }
  return inspected;
}

const search = (query: Record<string, string>) => parseSearch<UserSearchField>(query, USER_SEARCH_FIELDS);
const page = (n: number, size = 20) => ({ limit: size, offset: (n - 1) * size });
const users = (query: Record<string, string> | null, p = page(1), strict = true) =>
  plansOf((q) => listUsers(q, query ? search(query) : null, p), strict);
const logs = (filter: AuditLogFilter, p = page(1)) => plansOf((q) => listAuditLogRows(q, filter, p));
const all = (plans: { indexes: string[] }[]) => new Set(plans.flatMap((p) => p.indexes));

/** Every statement sent (the page and, a page of one row being full, the bounded count) reads one
 *  of the indexes. */
function eachReads(plans: { sql: string; indexes: string[] }[], indexes: string[], what: string) {
  expect(plans.length, what).toBe(2);
  for (const p of plans) expect(p.indexes.filter((i) => indexes.includes(i)), `${what}: ${p.sql}`).not.toEqual([]);
}

/** A search with few matches: the statement collecting them reads one of the indexes, the page's
 *  rows are read by primary key, and nothing else is sent. */
function searchReads(plans: { sql: string; indexes: string[] }[], indexes: string[], what: string) {
  expect(plans.length, what).toBe(2);
  expect(plans[0]!.indexes.filter((i) => indexes.includes(i)), `${what}: ${plans[0]!.sql}`).not.toEqual([]);
  expect(plans[1]!.indexes, `${what}: ${plans[1]!.sql}`).toEqual(['users_pkey']);
}

// PGlite builds the same plans, but seeding and indexing 300 k rows in WebAssembly takes minutes.
describe.skipIf(!onPostgres)('plans of the user and audit-log lists on seeded tables', () => {
  let sample: Record<string, string>;

  beforeAll(async () => {
    await t.db.exec(SEED_USERS);
    await t.db.exec(SEED_LOGS);
    await t.db.exec('VACUUM ANALYZE users');
    await t.db.exec('VACUUM ANALYZE audit_logs');
    sample = await userValues(t.db, 777);
  }, 180_000);

  it('list, first and deep page: keys from users_created_at, rows by primary key', async () => {
    for (const p of [page(1), page(4000)]) {
      const plans = await users(null, p);
      expect(plans[0]!.indexes.sort()).toEqual(['users_created_at', 'users_pkey']);
    }
  });

  it('like search on each field reads its trigram index, both cases, in the page and the count', async () => {
    const fragments: Record<UserSearchField, string> = {
      id: sample.id!.slice(2, 9),
      primaryEmail: sample.primaryEmail!.slice(1, 8),
      primaryPhone: sample.primaryPhone!.slice(-7),
      username: sample.username!.slice(5, 12),
      name: sample.name!.slice(7),
    };
    const index = { id: 'users_id_trgm', primaryEmail: 'users_primary_email_trgm', primaryPhone: 'users_primary_phone_trgm', username: 'users_username_trgm', name: 'users_name_trgm' };
    for (const field of USER_SEARCH_FIELDS) {
      for (const isCaseSensitive of ['false', 'true']) {
        const plans = await users({ [`search.${field}`]: `%${fragments[field]}%`, isCaseSensitive });
        searchReads(plans, [index[field]], `${field} case-sensitive ${isCaseSensitive}`);
      }
    }
  });

  it('all-fields search reads every trigram index', async () => {
    const plans = await users({ search: `%${sample.primaryEmail!.slice(0, 9)}%` });
    for (const index of ['users_id_trgm', 'users_primary_email_trgm', 'users_primary_phone_trgm', 'users_username_trgm', 'users_name_trgm']) {
      expect(plans[0]!.indexes, plans[0]!.sql).toContain(index);
    }
    expect(plans[1]!.indexes).toEqual(['users_pkey']);
  });

  it('exact search reads a btree where one exists, the trigram index otherwise', async () => {
    const cases: [Record<string, string>, string[]][] = [
      [{ 'search.primaryEmail': sample.primaryEmail!.toUpperCase(), mode: 'exact' }, ['users_primary_email_key']],
      [{ 'search.id': sample.id!.toUpperCase(), mode: 'exact' }, ['users_pkey']],
      [{ 'search.id': sample.id!, mode: 'exact', isCaseSensitive: 'true' }, ['users_pkey']],
      [{ 'search.username': sample.username!, mode: 'exact', isCaseSensitive: 'true' }, ['users_username_key']],
      [{ 'search.primaryPhone': sample.primaryPhone!, mode: 'exact', isCaseSensitive: 'true' }, ['users_primary_phone_key']],
      [{ 'search.username': sample.username!.toUpperCase(), mode: 'exact' }, ['users_username_trgm']],
      // An ILIKE pattern without letters or wildcards is an equality the btree serves as well.
      [{ 'search.primaryPhone': sample.primaryPhone!, mode: 'exact' }, ['users_primary_phone_key', 'users_primary_phone_trgm']],
      [{ 'search.name': sample.name!.toUpperCase(), mode: 'exact' }, ['users_name_trgm']],
      [{ 'search.name': sample.name!, mode: 'exact', isCaseSensitive: 'true' }, ['users_name_trgm']],
    ];
    for (const [query, indexes] of cases) searchReads(await users(query), indexes, JSON.stringify(query));
  });

  it('a common pattern: its first matches end the collecting scan, the page walks users_created_at', async () => {
    // Every user matches: the collecting statement may scan the table, but stops at COUNT_BOUND + 1 rows.
    const plans = await users({ 'search.primaryEmail': '%@example.com' }, page(50), false);
    expect(plans).toHaveLength(2);
    expect(plans[1]!.indexes.sort()).toEqual(['users_created_at', 'users_pkey']);
    const { total } = await listUsers(t.db, search({ 'search.primaryEmail': '%@example.com' }), page(50));
    expect(total).toBeGreaterThan(USERS * 0.9);
  });

  it('a search statement is planned for its pattern every time, never kept as a prepared statement', async () => {
    // One connection, so that every run would meet the same prepared statements. A named (prepared)
    // statement may switch to one generic plan after five runs; an unnamed one is planned per call.
    const one = openPg({ url: t.url!, poolSize: 1, schema: t.schema! });
    try {
      for (let i = 0; i < 8; i += 1) await listUsers(one, search({ search: `%${sample.primaryEmail!.slice(i, i + 6)}%` }), page(1));
      const [row] = await one.query<{ prepared: number }>(
        `SELECT count(*)::int AS prepared FROM pg_prepared_statements
          WHERE statement LIKE '%ILIKE%' AND statement NOT LIKE 'EXPLAIN%' AND statement NOT LIKE '%pg_prepared_statements%'`,
      );
      expect(row!.prepared).toBe(0);
    } finally {
      await one.close();
    }
  });

  it('audit log: first and deep page, each filter, through its index', async () => {
    expect(all(await logs({}))).toContain('audit_logs_created');
    expect(all(await logs({}, page(7000)))).toContain('audit_logs_created');
    const userId = (await userValues(t.db, 42)).id!;
    eachReads(await logs({ userId }, page(1, 1)), ['audit_logs_user'], 'userId');
    eachReads(await logs({ applicationId: 'app4' }), ['audit_logs_application'], 'applicationId');
    // A third of the rows have this key: walking audit_logs_created and filtering stops as early.
    eachReads(await logs({ key: 'Interaction.Register.Submit' }, page(20)), ['audit_logs_key', 'audit_logs_created'], 'key');
    const deep = all(await logs({ key: 'Interaction.Register.Submit' }, page(500)));
    expect(['audit_logs_key', 'audit_logs_created'].filter((i) => deep.has(i))).not.toEqual([]);
  });

  it('Total-Number: exact up to the bound, the planner estimate (of the right size) above it', async () => {
    const exact = await listUsers(t.db, search({ 'search.primaryEmail': `%${sample.primaryEmail!.slice(0, 10)}%` }), page(1));
    expect(exact.total).toBe(exact.rows.length);
    // 111 users (numbers 123, 1230–1239, 12300–12399) have 00000123 in their phone number.
    const some = await listUsers(t.db, search({ 'search.primaryPhone': '%00000123%' }), page(1, 5));
    expect(some.total).toBe(111);
    const estimated = await listUsers(t.db, null, page(1));
    expect(estimated.total).toBeGreaterThan(USERS * 0.9);
    expect(estimated.total).toBeLessThan(USERS * 1.1);
    const logTotal = await listAuditLogRows(t.db, {}, page(3));
    expect(logTotal.total).toBeGreaterThan(LOGS * 0.9);
    expect(logTotal.total).toBeLessThan(LOGS * 1.1);
    // Past the end of a big list: at most the offset, and more than the bound.
    const past = await listAuditLogRows(t.db, {}, { limit: 20, offset: LOGS * 2 });
    expect(past.rows).toEqual([]);
    expect(past.total).toBeGreaterThan(COUNT_BOUND);
    expect(past.total).toBeLessThanOrEqual(LOGS * 2);
  });
  it('the Experience API read of an interaction reads the user its state names through that user index (id, email, phone)', async () => {
    const [u] = await t.db.query<{ id: string; primary_email: string; primary_phone: string }>(
      `SELECT id, primary_email, primary_phone FROM users WHERE id = ${idOf(777)}`,
    );
    const proved = (type: string, value: string) => ({ verificationRecords: [{ type: 'X', verified: true, identifier: { type, value } }] });
    const states: [string, unknown][] = [
      ['id', { userId: u!.id }],
      ['email', proved('email', u!.primary_email.toUpperCase())],
      ['phone', proved('phone', u!.primary_phone)],
    ];
    for (const [by, state] of states) {
      const uid = `plan-${by}`;
      await t.db.query("INSERT INTO oidc_models (kind, id, payload) VALUES ('Interaction', $1, '{}')", [uid]);
      await t.db.query("INSERT INTO experience_interactions (uid, state, expires_at) VALUES ($1, $2::jsonb, now() + interval '1 hour')", [uid, JSON.stringify(state)]);
      const read = await findInteraction(t.db, uid, new Date());
      expect(read?.user?.row?.id, by).toBe(u!.id);
      const scans = await scansOf(t.db, await statementOf((q) => findInteraction(q, uid, new Date())));
      const onUsers = scans.filter((s) => s.relation === 'users');
      expect(onUsers.filter((s) => s.nodeType === 'Seq Scan'), JSON.stringify(scans)).toEqual([]);
      expect(onUsers.map((s) => s.index).sort(), JSON.stringify(scans)).toEqual(['users_pkey', 'users_primary_email_key', 'users_primary_phone_key']);
    }
  });
});
