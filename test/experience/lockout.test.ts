// The lockout per identifier (domain/experience/lockout.ts) over a real database: N failures within
// the window block the identifier for the block duration, by the clock; a window that runs out
// restarts the count; identifiers of no account behave the same; concurrent failures are counted
// exactly; and the table holds only HMACs, never the identifier.
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import {
  assertNotBlocked,
  clearFailures,
  lockoutSettingsOf,
  recordFailure,
  type LockoutDeps,
  type LockoutIdentifier,
} from '../../src/domain/experience/lockout.ts';
import { LogtoError } from '../../src/domain/errors.ts';
import { loadConfig } from '../../src/config/index.ts';
import { testClock } from '../helpers/clock.ts';
import { onPostgres, useTestDb } from '../helpers/db.ts';

const t = useTestDb({ poolSize: 20 });
const keyring = createKeyring(['lockout-test-secret-0123456789-abcdefghijklmnop']);
const MINUTE = 60_000;

const depsWith = (lockout = lockoutSettingsOf(loadConfig({}))): LockoutDeps & { clock: ReturnType<typeof testClock> } => ({
  db: t.db,
  clock: testClock(),
  keyring,
  lockout,
});

const blockedError = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(LogtoError);
  expect(error).toMatchObject({ code: 'session.verification_blocked_too_many_attempts', status: 400 });
};

const fail = async (deps: LockoutDeps, identifier: LockoutIdentifier, times: number) => {
  const results = [];
  for (let i = 0; i < times; i += 1) results.push((await recordFailure(deps, identifier)).blocked);
  return results;
};

describe('lockout per identifier', () => {
  it('defaults to 5 failures in 1 hour → blocked 10 minutes', () => {
    expect(lockoutSettingsOf(loadConfig({}))).toEqual({ maxFailures: 5, windowSeconds: 3600, blockSeconds: 600 });
  });

  it('the 5th failure blocks for 10 minutes by the clock, then the identifier is free with a fresh count', async () => {
    const deps = depsWith();
    const alice: LockoutIdentifier = { type: 'email', value: 'alice@example.com' };
    await assertNotBlocked(deps, alice);
    expect(await fail(deps, alice, 4)).toEqual([false, false, false, false]);
    await assertNotBlocked(deps, alice);
    expect(await recordFailure(deps, alice)).toEqual({ blocked: true });
    await blockedError(assertNotBlocked(deps, alice));

    // failures while blocked neither count nor extend the block; a success does not lift it
    deps.clock.advance(9 * MINUTE);
    expect(await recordFailure(deps, alice)).toEqual({ blocked: true });
    await clearFailures(deps, alice);
    await blockedError(assertNotBlocked(deps, alice));
    deps.clock.advance(MINUTE - 1);
    await blockedError(assertNotBlocked(deps, alice));
    deps.clock.advance(1);
    await assertNotBlocked(deps, alice);

    // the block served, counting starts again from one
    expect(await fail(deps, alice, 4)).toEqual([false, false, false, false]);
    expect(await recordFailure(deps, alice)).toEqual({ blocked: true });
  });

  it('failures outside the window restart it', async () => {
    const deps = depsWith();
    const bob: LockoutIdentifier = { type: 'username', value: 'bob' };
    expect(await fail(deps, bob, 4)).toEqual([false, false, false, false]);
    deps.clock.advance(60 * MINUTE); // the window (from the first failure) is over
    expect(await fail(deps, bob, 4)).toEqual([false, false, false, false]);
    await assertNotBlocked(deps, bob);
    deps.clock.advance(59 * MINUTE);
    expect(await recordFailure(deps, bob)).toEqual({ blocked: true });
    await blockedError(assertNotBlocked(deps, bob));
  });

  it('a success clears the count', async () => {
    const deps = depsWith();
    const carol: LockoutIdentifier = { type: 'phone', value: '15550100001' };
    await fail(deps, carol, 4);
    await clearFailures(deps, carol);
    expect(await fail(deps, carol, 4)).toEqual([false, false, false, false]);
    expect(await recordFailure(deps, carol)).toEqual({ blocked: true });
  });

  it('password and code failures on one identifier count together across spellings; other identifiers are apart', async () => {
    const deps = depsWith();
    // e.g. two password failures and three code failures, the email spelt differently each time
    for (const value of ['Dora@Example.com', ' dora@example.com', 'DORA@EXAMPLE.COM ', 'dora@example.com']) await recordFailure(deps, { type: 'email', value });
    await assertNotBlocked(deps, { type: 'username', value: 'dora@example.com' });
    expect(await recordFailure(deps, { type: 'email', value: 'dora@EXAMPLE.com' })).toEqual({ blocked: true });
    await blockedError(assertNotBlocked(deps, { type: 'email', value: 'dora@example.com' }));
    await assertNotBlocked(deps, { type: 'email', value: 'dora2@example.com' });

    for (const value of ['+1 (555) 010-0002', '1-555-010-0002', '15550100002', '+15550100002']) await recordFailure(deps, { type: 'phone', value });
    expect(await recordFailure(deps, { type: 'phone', value: '1 555 010 0002' })).toEqual({ blocked: true });

    // usernames are case-sensitive, as their unique index is
    await fail(deps, { type: 'username', value: 'Erin' }, 5);
    await blockedError(assertNotBlocked(deps, { type: 'username', value: 'Erin' }));
    await assertNotBlocked(deps, { type: 'username', value: 'erin' });
  });

  it('an identifier that belongs to no account is counted and blocked the same way', async () => {
    // no user exists at all in this database: the lockout never looks at users
    expect((await t.db.query('SELECT 1 FROM users')).length).toBe(0);
    const deps = depsWith();
    const nobody: LockoutIdentifier = { type: 'email', value: 'nobody-at-all@nowhere.example' };
    expect(await fail(deps, nobody, 5)).toEqual([false, false, false, false, true]);
    await blockedError(assertNotBlocked(deps, nobody));
    deps.clock.advance(10 * MINUTE);
    await assertNotBlocked(deps, nobody);
  });

  it('follows the configured limits', async () => {
    const deps = depsWith({ maxFailures: 2, windowSeconds: 60, blockSeconds: 30 });
    const frank: LockoutIdentifier = { type: 'username', value: 'frank' };
    expect(await fail(deps, frank, 2)).toEqual([false, true]);
    deps.clock.advance(30_000);
    await assertNotBlocked(deps, frank);
    const once = depsWith({ maxFailures: 1, windowSeconds: 60, blockSeconds: 30 });
    expect(await recordFailure(once, { type: 'username', value: 'grace' })).toEqual({ blocked: true });
  });

  it(`20 concurrent failures count exactly 20${onPostgres ? ' (PostgreSQL pool of 20)' : ''}`, async () => {
    const deps = depsWith({ maxFailures: 20, windowSeconds: 3600, blockSeconds: 600 });
    const target: LockoutIdentifier = { type: 'email', value: 'race@example.com' };
    const results = await Promise.all(Array.from({ length: 20 }, () => recordFailure(deps, target)));
    expect(results.filter((r) => r.blocked)).toHaveLength(1);
    await blockedError(assertNotBlocked(deps, target));

    const under = depsWith({ maxFailures: 21, windowSeconds: 3600, blockSeconds: 600 });
    const other: LockoutIdentifier = { type: 'email', value: 'race2@example.com' };
    const more = await Promise.all(Array.from({ length: 20 }, () => recordFailure(under, other)));
    expect(more.filter((r) => r.blocked)).toHaveLength(0);
    await assertNotBlocked(under, other);
    expect(await recordFailure(under, other)).toEqual({ blocked: true });
  });

  it('stores identifiers only as HMACs', async () => {
    const deps = depsWith();
    await recordFailure(deps, { type: 'email', value: 'Secret.Person@Example.com' });
    await recordFailure(deps, { type: 'phone', value: '+44 7700 900123' });
    await recordFailure(deps, { type: 'username', value: 'hidden_name' });
    const rows = await t.db.query<{ row: string }>('SELECT row_to_json(l)::text AS row FROM identifier_lockouts l');
    const dump = rows.map((r) => r.row).join('\n').toLowerCase();
    for (const fragment of ['secret.person', 'example.com', '7700900123', '7700 900123', 'hidden_name'])
      expect(dump).not.toContain(fragment);
    const hashes = await t.db.query<{ identifier_hash: string }>('SELECT identifier_hash FROM identifier_lockouts');
    for (const { identifier_hash } of hashes) expect(identifier_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // the key is the server secret's: another secret gives other keys, so a leaked table cannot be
    // matched against a list of addresses without the secret
    const henry: LockoutIdentifier = { type: 'email', value: 'henry@example.com' };
    await fail(deps, henry, 5);
    await blockedError(assertNotBlocked(deps, henry));
    const other = { ...deps, keyring: createKeyring(['another-secret-0123456789-abcdefghijklmnopqrs']) };
    await assertNotBlocked(other, henry);
  });
});
