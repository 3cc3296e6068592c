// Owns the background sweep every process runs: expire overdue codes, deliver due callbacks.
// Work is claimed with SKIP LOCKED and leases, so any number of processes can sweep one database.
import type { Logger } from 'pino';
import { expireDueCodes } from './domain/codes/index.ts';
import { deliverDueCallbacks, type CallbackDeps } from './domain/otp/callbacks.ts';

export interface Worker {
  /** Runs one sweep now (tests call this instead of waiting). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startWorker(deps: CallbackDeps & { intervalMs: number; logger?: Pick<Logger, 'error'> }, autostart = true): Worker {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const sweep = async () => {
    try {
      await expireDueCodes(deps);
      await deliverDueCallbacks(deps);
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
