// Owns slowing down guesses of a client's secret. Failed client authentications (token,
// introspection and revocation endpoints; wrong secret for an existing client) are counted per
// client id in the database, so the count holds across processes; the failure that makes
// `maxFailures` within `windowSeconds`, and every later one for that client during the next
// `windowSeconds`, is answered only after `delayMs`. A request with the right secret is never delayed or refused: an attacker can
// slow their own guessing, but cannot lock a legitimate client out.
// The count reuses the identifier-lockout table (storage/repos/lockouts.ts), keyed by an HMAC of
// the client id under a prefix of its own; one statement per failure, none per success.
import type { Config } from '../config/index.ts';
import type { Keyring } from '../crypto/keyring.ts';
import type { Clock } from '../domain/clock.ts';
import type { Queryable } from '../storage/db.ts';
import { addFailure } from '../storage/repos/lockouts.ts';

export interface ClientAuthThrottleSettings {
  maxFailures: number;
  windowSeconds: number;
  delayMs: number;
}

export interface ClientAuthThrottleDeps {
  db: Queryable;
  clock: Clock;
  keyring: Pick<Keyring, 'hmac'>;
  settings: ClientAuthThrottleSettings;
  /** Waits `ms` (tests may count the waits instead). */
  sleep?: (ms: number) => Promise<void>;
}

export function clientAuthThrottleSettingsOf(
  config: Pick<Config, 'VERITY_CLIENT_AUTH_MAX_FAILURES' | 'VERITY_CLIENT_AUTH_WINDOW_SECONDS' | 'VERITY_CLIENT_AUTH_DELAY_MS'>,
): ClientAuthThrottleSettings {
  return {
    maxFailures: config.VERITY_CLIENT_AUTH_MAX_FAILURES,
    windowSeconds: config.VERITY_CLIENT_AUTH_WINDOW_SECONDS,
    delayMs: config.VERITY_CLIENT_AUTH_DELAY_MS,
  };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts one failed authentication of `clientId` and, past the threshold, holds the answer back. */
export async function clientAuthFailed(deps: ClientAuthThrottleDeps, clientId: string): Promise<void> {
  const now = deps.clock.now();
  const { maxFailures, windowSeconds, delayMs } = deps.settings;
  const slowUntil = await addFailure(deps.db, deps.keyring.hmac('codes', `client-auth:${clientId}`), now, {
    maxFailures,
    windowSeconds,
    blockSeconds: windowSeconds,
  });
  if (slowUntil && slowUntil > now && delayMs > 0) await (deps.sleep ?? realSleep)(delayMs);
}
