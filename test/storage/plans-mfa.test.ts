// Every statement of the MFA repository (repos/mfa-factors.ts) and the factors read along with an
// interaction (FACTOR_SUMMARIES in findInteraction) reads user_mfa_factors and user_backup_codes
// only through an index that matches it: on 100 k users with 200 k factors and 500 k backup codes,
// seeded and analysed, each statement the repository actually sends is EXPLAINed, and none may
// scan one of those tables (or users) sequentially. Dropping an index makes this fail. The TOTP step
// is taken by the statement that stores its record, with the lockout rows: that statement too.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/storage/db.ts';
import * as repo from '../../src/storage/repos/mfa-factors.ts';
import { findInteraction, replaceExperienceGated } from '../../src/storage/repos/experience.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';
import { indexesRead } from '../helpers/plans.ts';

const USERS = 100_000;
const t = useTestDb({ poolSize: 2 });
const BIG = new Set(['users', 'user_mfa_factors', 'user_backup_codes', 'identifier_lockouts', 'experience_interactions']);

const userId = (i: number | string) => `substr(md5('u' || ${i}), 1, 12)`;
// Every user a TOTP and a passkey, every fifth a backup-code set of 25 (10 used).
const SEED = `
  INSERT INTO users (id, username, created_at, updated_at)
    SELECT ${userId('i')}, 'user_' || i, now(), now() FROM generate_series(1, ${USERS}) AS i;
  INSERT INTO user_mfa_factors (id, user_id, type, created_at, totp_secret)
    SELECT 't' || i, ${userId('i')}, 'Totp', now(), 'sealed' FROM generate_series(1, ${USERS}) AS i;
  INSERT INTO user_mfa_factors (id, user_id, type, created_at, credential_id, public_key, counter, transports)
    SELECT 'w' || i, ${userId('i')}, 'WebAuthn', now(), md5('c' || i), 'key', 0, '[]' FROM generate_series(1, ${USERS}) AS i;
  INSERT INTO user_mfa_factors (id, user_id, type, created_at)
    SELECT 'b' || i, ${userId('i')}, 'BackupCode', now() FROM generate_series(1, ${USERS}, 5) AS i;
  INSERT INTO user_backup_codes (factor_id, user_id, digest, key_id, used_at)
    SELECT 'b' || i, ${userId('i')}, md5('d' || i || '.' || n), 'k', CASE WHEN n <= 10 THEN now() END
      FROM generate_series(1, ${USERS}, 5) AS i, generate_series(1, 25) AS n;
  INSERT INTO identifier_lockouts (identifier_hash, failures, window_ends_at)
    SELECT md5('k' || i), 1, now() + interval '1 hour' FROM generate_series(1, 50000) AS i;
  INSERT INTO experience_interactions (uid, state, expires_at)
    SELECT md5('x' || i), '{}', now() + interval '1 hour' FROM generate_series(1, 50000) AS i;
  ANALYZE users; ANALYZE user_mfa_factors; ANALYZE user_backup_codes; ANALYZE identifier_lockouts; ANALYZE experience_interactions;`;

/** The indexes the first statement `fn` sends reads; no sequential scan of a big table. */
const reads = (fn: (q: Queryable) => Promise<unknown>) => indexesRead(t.db, fn, BIG);

// PGlite builds the same plans, but seeding 800 k rows in WebAssembly takes minutes.
describe.skipIf(!onPostgres)('plans of the MFA statements on seeded tables', () => {
  let user: string;
  beforeAll(async () => {
    await t.db.exec(SEED);
    user = (await t.db.query<{ id: string }>(`SELECT ${userId(4321)} AS id`))[0]!.id;
  }, 180_000);

  it('reads a user’s factors through user_mfa_factors_user, its codes by primary key', async () => {
    expect(await reads((q) => repo.listFactors(q, user))).toContain('user_mfa_factors_user');
    expect(await reads((q) => repo.factorSummaries(q, user))).toEqual(expect.arrayContaining(['user_mfa_factors_user']));
    expect(await reads((q) => repo.findFactor(q, user, 'Totp'))).toContain('user_mfa_factors_user');
    expect(await reads((q) => repo.listWebAuthn(q, user))).toContain('user_mfa_factors_user');
  });

  it('finds a credential by user_mfa_factors_credential, whoever owns it', async () => {
    expect(await reads((q) => repo.findCredential(q, 'c-unknown'))).toEqual(['user_mfa_factors_credential']);
  });

  it('uses a TOTP step, a counter, and deletes a factor by primary key', async () => {
    const now = new Date();
    const write = { state: {}, binding: null, previous_binding: null };
    const gated = await reads((q) => replaceExperienceGated(q, 'uid', { state: {}, binding: null }, write, repo.totpStepGate('t1', 99, now, ['k1', 'k2'])));
    expect(gated.sort()).toEqual(['experience_interactions_pkey', 'identifier_lockouts_pkey', 'user_mfa_factors_pkey']);
    expect(await reads((q) => repo.advanceCounter(q, 'w1', 0, 1, now))).toEqual(['user_mfa_factors_pkey']);
    expect(await reads((q) => repo.deleteFactor(q, user, 't1'))).toEqual(['user_mfa_factors_pkey']);
  });

  it('checks a backup code through user_backup_codes_lookup and replaces a set by its partial index', async () => {
    expect(await reads((q) => repo.useBackupCode(q, user, ['a', 'b'], new Date()))).toContain('user_backup_codes_lookup');
    const replaced = await reads((q) => repo.replaceBackupCodes(q, { id: 'new', userId: user, now: new Date(), codes: [{ digest: 'x', keyId: 'k' }] }));
    expect(replaced).toContain('user_mfa_factors_one_backup_set');
  });

  it('reads the factors along with the interaction through user_mfa_factors_user', async () => {
    expect(await reads((q) => findInteraction(q, 'no-such-interaction', new Date()))).toContain('user_mfa_factors_user');
  });
});
