// Every statement of the federated identities' storage (repos/identities.ts, migration 017) reads its
// big tables only through an index that matches it: on 100 k users, each with a social identity kept
// in step by the triggers and an enterprise identity, seeded and analysed, each statement the
// repository sends is EXPLAINed (and the statements the triggers and cascades run), and none may
// scan one of those tables sequentially. Dropping an index makes this fail.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/storage/db.ts';
import * as identities from '../../src/storage/repos/identities.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';
import { indexesRead } from '../helpers/plans.ts';

const USERS = 100_000;
const t = useTestDb({ poolSize: 2 });
const BIG = new Set(['users', 'user_social_identities', 'user_sso_identities']);

const userId = (i: number | string) => `substr(md5('u' || ${i}), 1, 12)`;
const SEED = `
  INSERT INTO sso_connectors (id, provider_name, connector_name, config, created_at)
    SELECT 'plansso' || lpad(c::text, 5, '0'), 'OIDC', 'plans-' || c, '', now() FROM generate_series(1, 20) AS c;
  INSERT INTO users (id, username, identities, created_at, updated_at)
    SELECT ${userId('i')}, 'user_' || i, jsonb_build_object('github', jsonb_build_object('userId', 'gh' || i)), now(), now()
      FROM generate_series(1, ${USERS}) AS i;
  INSERT INTO user_sso_identities (id, user_id, sso_connector_id, issuer, identity_id, created_at)
    SELECT md5('s' || i), ${userId('i')}, 'plansso' || lpad((i % 20 + 1)::text, 5, '0'), 'https://idp' || (i % 20) || '.example', 'sub' || i, now()
      FROM generate_series(1, ${USERS}) AS i;
  ANALYZE users; ANALYZE user_social_identities; ANALYZE user_sso_identities;`;

const reads = (fn: (q: Queryable) => Promise<unknown>) => indexesRead(t.db, fn, BIG);

// PGlite builds the same plans, but seeding in WebAssembly takes minutes.
describe.skipIf(!onPostgres)('plans of the federated identity statements on seeded tables', () => {
  let user: string;
  beforeAll(async () => {
    await t.db.exec(SEED);
    user = (await t.db.query<{ id: string }>(`SELECT ${userId(4321)} AS id`))[0]!.id;
  }, 180_000);

  it('the triggers indexed every seeded identity', async () => {
    expect((await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM user_social_identities'))[0]!.n).toBe(USERS);
  });

  it('finds the user of a provider account through user_social_identities_identity_key', async () => {
    expect(await reads((q) => identities.findUserBySocialIdentity(q, 'github', 'gh4321'))).toEqual(
      expect.arrayContaining(['user_social_identities_identity_key', 'users_pkey']),
    );
  });

  it('links and unlinks by the user’s primary key; the trigger and the user’s deletion find its rows by user', async () => {
    const now = new Date();
    expect(await reads((q) => identities.setSocialIdentity(q, user, 'google', { userId: 'g1' }, now))).toEqual(['users_pkey']);
    expect(await reads((q) => identities.removeSocialIdentity(q, user, 'google', now))).toEqual(['users_pkey']);
    // the statement verity_sync_social_identities() runs first, and the cascade of a user's deletion
    expect(await reads((q) => q.query('DELETE FROM user_social_identities WHERE user_id = $1', [user]))).toEqual(['user_social_identities_pkey']);
  });

  it('finds an enterprise identity by issuer and subject, lists a user’s, and cascades through indexes', async () => {
    expect(await reads((q) => identities.findUserBySsoIdentity(q, 'https://idp1.example', 'sub4321'))).toEqual(
      expect.arrayContaining(['user_sso_identities_identity_key', 'users_pkey']),
    );
    expect(await reads((q) => identities.listSsoIdentities(q, user))).toEqual(['user_sso_identities_user']);
    expect(await reads((q) => identities.updateSsoIdentityDetail(q, 'x', {}))).toEqual(['user_sso_identities_pkey']);
    // the cascades of deleting a user and an SSO connector
    expect(await reads((q) => q.query('DELETE FROM user_sso_identities WHERE user_id = $1', [user]))).toEqual(['user_sso_identities_user']);
    expect(await reads((q) => q.query('DELETE FROM user_sso_identities WHERE sso_connector_id = $1', ['plansso00001']))).toEqual([
      'user_sso_identities_connector',
    ]);
  });
});
