// Owns the per-key request count behind the X-Rate-Limit-* headers, shared by every process through
// rate_counters. Counting each request with a write would put one hot row on every call, so:
//  - while a window is in the lower part of its budget (≤ FAST_FRACTION of the limit, by this
//    process's estimate) and was synced within SYNC_MS, a request is counted in memory;
//  - otherwise the request is written through and the answer is the exact total of all processes.
// Pending counts are flushed every SYNC_MS and on close. Near the limit, every request is exact, so
// the limit holds across processes; at worst (many processes starting a window at once) the cheap
// part can overshoot by (processes × FAST_FRACTION − 1) × limit, and never once the window is synced.
import type { Db } from '../storage/db.ts';
import { addHits } from '../storage/repos/counters.ts';
import type { WindowLimit } from '../storage/repos/codes.ts';
import type { Clock } from './clock.ts';

const SYNC_MS = 1000;
const FAST_FRACTION = 0.25;

interface WindowState {
  window: WindowLimit;
  /** Total of every process at the last sync. */
  base: number;
  /** Counted here, not yet written. */
  pending: number;
  syncedAt: number;
}

export interface RequestCounter {
  /** Counts one request and returns the window's total including it. */
  hit(window: WindowLimit): Promise<number>;
  /** Writes every pending count (also runs every second). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

export function createRequestCounter(deps: { db: Db; clock: Clock }): RequestCounter {
  const states = new Map<string, WindowState>();
  const keyOf = (w: WindowLimit) => `${w.bucket}@${w.windowStart.getTime()}`;

  async function write(state: WindowState, delta: number): Promise<number> {
    try {
      const total = await addHits(deps.db, state.window, delta);
      state.base = Math.max(state.base, total);
      state.syncedAt = deps.clock.now().getTime();
      return total;
    } catch (error) {
      state.pending += delta; // keep the count for the next flush
      throw error;
    }
  }

  async function flush() {
    const now = deps.clock.now().getTime();
    await Promise.all(
      [...states.entries()].map(async ([key, state]) => {
        if (state.pending > 0) {
          const delta = state.pending;
          state.pending = 0;
          await write(state, delta).catch(() => undefined);
        }
        if (state.window.resetAt.getTime() <= now && state.pending === 0) states.delete(key);
      }),
    );
  }

  const timer = setInterval(() => void flush(), SYNC_MS);
  timer.unref();

  return {
    async hit(window) {
      const key = keyOf(window);
      let state = states.get(key);
      if (!state) {
        state = { window, base: 0, pending: 0, syncedAt: Number.NEGATIVE_INFINITY };
        states.set(key, state);
      }
      const estimate = state.base + state.pending + 1;
      const fresh = deps.clock.now().getTime() - state.syncedAt < SYNC_MS;
      if (fresh && estimate <= window.limit * FAST_FRACTION) {
        state.pending += 1;
        return estimate;
      }
      const delta = state.pending + 1;
      state.pending = 0;
      return write(state, delta);
    },
    flush,
    async close() {
      clearInterval(timer);
      await flush();
    },
  };
}
