// The statements of enterprise SSO sign-in (repos/sso-sign-in.ts) read their tables only through an
// index that matches them: on 200 k SSO connectors with three domains each and 100 k consumed SAML
// assertions, seeded and analysed, each statement the repository sends is EXPLAINed, and none may scan
// either table sequentially. Dropping sso_connectors_domains (migration 018) makes this fail.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/storage/db.ts';
import { consumeSamlAssertion, findSsoConnectorRowsByDomain } from '../../src/storage/repos/sso-sign-in.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';
import { indexesRead } from '../helpers/plans.ts';

const t = useTestDb({ poolSize: 2 });
const BIG = new Set(['sso_connectors', 'saml_assertions_consumed']);

const SEED = `
  INSERT INTO sso_connectors (id, provider_name, connector_name, config, domains, created_at)
    SELECT substr(md5('c' || i), 1, 12), 'SAML', 'connector ' || i, 'sealed',
           jsonb_build_array('a' || i || '.example', 'b' || i || '.example', 'c' || i || '.example'), now()
      FROM generate_series(1, 200000) AS i;
  INSERT INTO saml_assertions_consumed (id, expires_at)
    SELECT 'c:' || md5('a' || i), now() + interval '1 hour' FROM generate_series(1, 100000) AS i;
  ANALYZE sso_connectors; ANALYZE saml_assertions_consumed;`;

const reads = (fn: (q: Queryable) => Promise<unknown>) => indexesRead(t.db, fn, BIG);

// PGlite builds the same plans; seeding in WebAssembly is slow, so the plans are checked on PostgreSQL.
describe.skipIf(!onPostgres)('plans of the SSO sign-in statements on seeded tables', () => {
  beforeAll(async () => {
    await t.db.exec(SEED);
  }, 120_000);

  it("finds an email domain's connectors through sso_connectors_domains", async () => {
    expect(await reads((q) => findSsoConnectorRowsByDomain(q, 'b4321.example'))).toContain('sso_connectors_domains');
  });

  it('consumes an assertion id by its primary key (the insert is the check)', async () => {
    await reads((q) => consumeSamlAssertion(q, 'c:new', new Date()));
    expect(await consumeSamlAssertion(t.db, 'c:plan-test', new Date(Date.now() + 60_000))).toBe(true);
    expect(await consumeSamlAssertion(t.db, 'c:plan-test', new Date(Date.now() + 60_000))).toBe(false);
  });
});
