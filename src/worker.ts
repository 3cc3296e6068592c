// Owns the background sweep every process runs: expire overdue codes, deliver due callbacks, and
// now and then purge what has served its purpose (storage/repos/housekeeping.ts).
// Work is claimed with SKIP LOCKED and leases, so any number of processes can sweep one database.
import { expireDueCodes } from './domain/codes/index.ts';
import { deliverDueCallbacks, type CallbackDeps } from './domain/otp/callbacks.ts';
import { purgeSweep, type Retention } from './storage/repos/housekeeping.ts';

/** Housekeeping runs on every n-th sweep, and on the next sweep again while it is behind. */
const PURGE_EVERY = 60;
/** How long one sweep's housekeeping may keep deleting batches (it delays that sweep's other work). */
const PURGE_BUDGET_MS = 1000;

export interface Worker {
  /** Runs one sweep now (tests call this instead of waiting). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(
  deps: CallbackDeps & { intervalMs: number; retention: Retention },
  autostart = true,
): Worker {
  let timer: NodeJS.Timeout | undefined;
  let sweeps = 0;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  let purgeBehind = false;

  const sweep = async () => {
    try {
      await expireDueCodes(deps);
      await deliverDueCallbacks(deps);
      if (purgeBehind || sweeps % PURGE_EVERY === 0) {
        const { caughtUp } = await purgeSweep(deps.db, deps.clock.now(), deps.retention, { budgetMs: PURGE_BUDGET_MS });
        purgeBehind = !caughtUp;
      }
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

/** Retention derived from configuration: gaps matter for one interval; delivered events are kept a
 *  week; finished codes and audit log rows as configured (0 days keeps them). */
export function retentionOf(config: {
  VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: number;
  VERITY_CODE_RETENTION_DAYS: number;
  VERITY_AUDIT_RETENTION_DAYS: number;
}): Retention {
  return {
    gapSeconds: Math.max(config.VERITY_RATE_RECIPIENT_INTERVAL_SECONDS, 1),
    deliveredEventSeconds: 7 * 86_400,
    codeSeconds: config.VERITY_CODE_RETENTION_DAYS * 86_400,
    auditSeconds: config.VERITY_AUDIT_RETENTION_DAYS * 86_400,
  };
}
