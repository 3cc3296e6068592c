// Owns the lockout per identifier (experience-api.md, "Lockout"; LG sentinel/basic-sentinel.ts):
// failed password and verification-code checks on one identifier are counted together, and
// `maxFailures` of them within `windowSeconds` (counted from the window's first failure) block it for
// `blockSeconds`. The failure that reaches the limit is already answered as blocked; while blocked,
// every attempt — even a correct one — is refused. When the block ends the count starts afresh.
//
// The state lives in the database (storage/repos/lockouts.ts), so it holds across processes. The
// identifier is kept only as a keyed HMAC of its normalised form, and users are never consulted: an
// identifier that belongs to no account is counted and blocked exactly like one that does, so the
// lockout reveals nothing about which accounts exist. Rotating VERITY_SECRET changes the HMAC key and
// so forgets running counts (at most one window's worth of state).
//
// Throws LogtoError session.verification_blocked_too_many_attempts (400) from assertNotBlocked and a
// LockoutGuard's judge.
import type { Config } from '../../config/index.ts';
import type { Keyring } from '../../crypto/keyring.ts';
import type { Queryable } from '../../storage/db.ts';
import { addFailure, deleteFailures, findLockout, findLockouts, type LockoutLimits } from '../../storage/repos/lockouts.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';

export type LockoutSettings = LockoutLimits;

export interface LockoutDeps {
  db: Queryable;
  clock: Clock;
  keyring: Pick<Keyring, 'hmac'>;
  lockout: LockoutSettings;
}

/** The identifier an attempt names (experience `identifier` {type, value}). */
export interface LockoutIdentifier {
  type: 'email' | 'phone' | 'username';
  value: string;
}

/** The settings from configuration. */
export function lockoutSettingsOf(
  config: Pick<Config, 'VERITY_LOCKOUT_MAX_FAILURES' | 'VERITY_LOCKOUT_WINDOW_SECONDS' | 'VERITY_LOCKOUT_SECONDS'>,
): LockoutSettings {
  return {
    maxFailures: config.VERITY_LOCKOUT_MAX_FAILURES,
    windowSeconds: config.VERITY_LOCKOUT_WINDOW_SECONDS,
    blockSeconds: config.VERITY_LOCKOUT_SECONDS,
  };
}

/**
 * The form failures are counted under: emails trimmed and lower-cased, phones as their digits only
 * (so `+1 (555) 010-0000` and `15550100000` are one identifier), usernames exact (they are
 * case-sensitive, as their unique index is).
 */
export function normaliseIdentifier(identifier: LockoutIdentifier): string {
  switch (identifier.type) {
    case 'email':
      return identifier.value.trim().toLowerCase();
    case 'phone':
      return identifier.value.replace(/\D/g, '');
    case 'username':
      return identifier.value;
  }
}

/** A user's own lockout identifier, derived from its id (a username never contains ':'): failures
 *  that concern the user whatever identifier was typed count under it (MFA checks, the Account API's
 *  password check). */
export const ownLockoutIdentifier = (userId: string): LockoutIdentifier => ({ type: 'username', value: `user:${userId}` });

/** The key of the identifier's row: HMAC under the server secret, with a prefix of its own. */
export function keyOf(deps: Pick<LockoutDeps, 'keyring'>, identifier: LockoutIdentifier): string {
  return deps.keyring.hmac('codes', `lockout:${identifier.type}:${normaliseIdentifier(identifier)}`);
}

/**
 * Refuses an attempt on a blocked identifier. Call it before checking the password or code; it
 * tells whether failures are on record, so a success with none to forget writes nothing.
 * Throws LogtoError session.verification_blocked_too_many_attempts.
 */
export async function assertNotBlocked(deps: LockoutDeps, identifier: LockoutIdentifier): Promise<{ failures: boolean }> {
  return judged(deps, await findLockout(deps.db, keyOf(deps, identifier)));
}

/** assertNotBlocked for several identifiers, read in one statement; what each one's row shows, in order. */
export async function assertNoneBlocked(deps: LockoutDeps, identifiers: readonly LockoutIdentifier[]): Promise<{ failures: boolean }[]> {
  const keys = identifiers.map((identifier) => keyOf(deps, identifier));
  const rows = await findLockouts(deps.db, keys);
  const now = deps.clock.now();
  return keys.map((key) => judged(deps, rows.get(key) ?? null, now));
}

function judged(deps: Pick<LockoutDeps, 'clock'>, row: { blockedUntil: Date | null } | null, now = deps.clock.now()): { failures: boolean } {
  if (row?.blockedUntil && row.blockedUntil > now) throw new LogtoError('session.verification_blocked_too_many_attempts');
  return { failures: row !== null };
}

/**
 * assertNotBlocked for a check that reads the identifier's row itself, in the first statement it
 * makes (a password check: with the user lookup; a code check: with counting the attempt, which
 * that statement makes only when the row shows no block running at `now`), and judges it before it
 * checks anything: the key of the row, and the judgement (throws as assertNotBlocked, by `now` when
 * given — the statement's — and remembers what it saw in `seen`). A check that ends before making
 * its statement calls `read` (assertNotBlocked itself) so that the block is still answered first.
 */
export interface LockoutGuard {
  key: string;
  judge(row: { blockedUntil: Date | null } | null, now?: Date): void;
  read(): Promise<void>;
  seen?: { failures: boolean };
}

export function lockoutGuard(deps: LockoutDeps, identifier: LockoutIdentifier): LockoutGuard {
  const guard: LockoutGuard = {
    key: keyOf(deps, identifier),
    judge: (row, now) => {
      guard.seen = judged(deps, row, now);
    },
    read: async () => {
      guard.seen = await assertNotBlocked(deps, identifier);
    },
  };
  return guard;
}

/**
 * Counts a failed password or code check. `blocked` is true when this failure reached the limit (or
 * a block raced ahead of it): the caller answers session.verification_blocked_too_many_attempts
 * instead of the failure's own error.
 */
export async function recordFailure(deps: LockoutDeps, identifier: LockoutIdentifier): Promise<{ blocked: boolean }> {
  const now = deps.clock.now();
  const until = await addFailure(deps.db, keyOf(deps, identifier), now, deps.lockout);
  return { blocked: until !== null && until > now };
}

/** Forgets the identifier's failures after a successful check (a running block stays). `seen` is
 *  what assertNotBlocked answered: with no failures on record there is nothing to delete. */
export async function clearFailures(deps: LockoutDeps, identifier: LockoutIdentifier, seen = { failures: true }): Promise<void> {
  if (!seen.failures) return;
  await deleteFailures(deps.db, keyOf(deps, identifier), deps.clock.now());
}
