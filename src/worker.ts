// Owns the background sweep every process runs: expire overdue codes, deliver due callbacks.
// Work is claimed with SKIP LOCKED and leases, so any number of processes can sweep one database.
import type { Logger } from 'pino';
import { expireDueCodes } from './domain/codes/index.ts';
import { deliverDueCallbacks, type CallbackDeps } from './domain/otp/callbacks.ts';
import { purgeExpired, type Retention } from './storage/repos/housekeeping.ts';

/** Housekeeping runs on every n-th sweep. */
const PURGE_EVERY = 60;

export interface Worker {
  /** Runs one sweep now (tests call this instead of waiting). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(
  deps: CallbackDeps & { intervalMs: number; retention: Retention; logger?: Pick<Logger, 'error'> },
  autostart = true,
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let sweeps = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const sweep = async () => {
    try {
      await expireDueCodes(deps);
      await deliverDueCallbacks(deps);
      if (sweeps % PURGE_EVERY === 0) await purgeExpired(deps.db, deps.clock.now(), deps.retention);
      sweeps += 1;
    } catch (error) {
      deps.logger?.error({ err: error }, 'background sweep failed');
    }
  };
  const tick = () => {
    running = running.then(sweep);
    return running;
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void tick().then(schedule), deps.intervalMs);
    timer.unref();
  };
  if (autostart) schedule();
  return {
    tick,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Retention derived from configuration: gaps matter for one interval; delivered events are kept a week. */
export function retentionOf(config: { VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: number }): Retention {
  return { gapSeconds: Math.max(config.VERITY_RATE_RECIPIENT_INTERVAL_SECONDS, 1), deliveredEventSeconds: 7 * 86_400 };
}
