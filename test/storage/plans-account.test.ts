// Every statement of the Account API's storage — the caller's token with its user, session and the
// Account Center (repos/user-tokens.ts), revoking a user's other sessions, and the verification
// records (repos/verification-records.ts), the lockout rows of A1 — reads its big tables only through an index that matches
// it: on 100 k users with 400 k provider models and 200 k verification records, seeded and
// analysed, each statement the repository actually sends is EXPLAINed, and none may scan one of
// those tables sequentially. Dropping an index makes this fail.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/storage/db.ts';
import { findLockouts } from '../../src/storage/repos/lockouts.ts';
import { findUserAccessToken, revokeOtherSessions } from '../../src/storage/repos/user-tokens.ts';
import * as records from '../../src/storage/repos/verification-records.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';
import { indexesRead } from '../helpers/plans.ts';

const USERS = 100_000;
const t = useTestDb({ poolSize: 2 });
const BIG = new Set(['users', 'oidc_models', 'verification_records', 'identifier_lockouts']);

const userId = (i: number | string) => `substr(md5('u' || ${i}), 1, 12)`;
// Every user a session, a grant, an access token and a refresh token; two records each.
const SEED = `
  INSERT INTO users (id, username, created_at, updated_at)
    SELECT ${userId('i')}, 'user_' || i, now(), now() FROM generate_series(1, ${USERS}) AS i;
  INSERT INTO oidc_models (kind, id, payload, grant_id, uid, expires_at)
    SELECT k.kind, k.kind || i, jsonb_build_object('accountId', ${userId('i')}, 'sessionUid', 's' || i, 'scope', 'openid'),
           CASE WHEN k.kind IN ('AccessToken', 'RefreshToken') THEN 'g' || i END,
           CASE WHEN k.kind = 'Session' THEN 's' || i END, now() + interval '1 day'
      FROM generate_series(1, ${USERS}) AS i, (VALUES ('Session'), ('Grant'), ('AccessToken'), ('RefreshToken')) AS k (kind);
  INSERT INTO verification_records (id, owner_id, bound, data, created_at, expires_at)
    SELECT md5('r' || i || n), ${userId('i')}, n = 1, '{}', now(), now() + interval '10 minutes'
      FROM generate_series(1, ${USERS}) AS i, generate_series(1, 2) AS n;
  INSERT INTO identifier_lockouts (identifier_hash, failures, window_ends_at)
    SELECT md5('k' || i), 1, now() + interval '1 hour' FROM generate_series(1, 50000) AS i;
  ANALYZE users; ANALYZE oidc_models; ANALYZE verification_records; ANALYZE identifier_lockouts;`;

/** The indexes the first statement `fn` sends reads; no sequential scan of a big table. */
const reads = (fn: (q: Queryable) => Promise<unknown>) => indexesRead(t.db, fn, BIG);

// PGlite builds the same plans, but seeding 700 k rows in WebAssembly takes minutes.
describe.skipIf(!onPostgres)('plans of the Account API statements on seeded tables', () => {
  let user: string;
  beforeAll(async () => {
    await t.db.exec(SEED);
    user = (await t.db.query<{ id: string }>(`SELECT ${userId(4321)} AS id`))[0]!.id;
  }, 180_000);

  it('reads the caller’s token by primary key, its user by primary key and its session by uid', async () => {
    const indexes = await reads((q) => findUserAccessToken(q, 'AccessToken4321'));
    expect(indexes).toEqual(expect.arrayContaining(['oidc_models_pkey', 'users_pkey', 'oidc_models_uid']));
  });

  it('finds the user’s other sessions and tokens through oidc_models_account', async () => {
    expect(await reads((q) => revokeOtherSessions(q, user, { grantId: 'g4321', sessionUid: 's4321' }))).toContain('oidc_models_account');
  });

  it('reads the lockout rows of all the user’s identifiers (A1) in one statement, by primary key', async () => {
    expect(await reads((q) => findLockouts(q, ['k1', 'k2', 'k3', 'k4']))).toEqual(['identifier_lockouts_pkey']);
  });

  it('reads and completes a record by primary key', async () => {
    const now = new Date();
    expect(await reads((q) => records.findVerificationRecord(q, 'r1', user, now))).toEqual(['verification_records_pkey']);
    expect(await reads((q) => records.replaceVerificationRecordData(q, 'r1', user, {}, { verified: true }, now))).toEqual(['verification_records_pkey']);
  });

  it('deletes a user’s records through verification_records_owner', async () => {
    expect(await reads((q) => q.query('DELETE FROM verification_records WHERE owner_id = $1', [user]))).toContain('verification_records_owner');
  });
});
