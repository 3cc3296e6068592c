// Owns CPU accounting over a measured window, in four parts that add up to the machine:
//   main      the servers' thread (Linux: /proc/self/task; elsewhere event-loop busy time, which
//             also counts time the thread was runnable but preempted),
//   process   this whole process (servers, client thread, V8 and libuv helper threads),
//   postgres  the bench's own PostgreSQL backends plus the server's background processes,
//   others    everything else on the machine (other users' work: the noise indicator).
// Backends are the bench's when their application_name is BENCH_APP_NAME (set through PGAPPNAME
// before any pool opens, so Verity's unmodified openPg carries it too). Without a local /proc
// (remote database, other OS) `postgres` is NaN and folds into `others`.
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Marks } from './load.ts';

export const BENCH_APP_NAME = 'verity-bench';

export interface CpuMs {
  main: number;
  process: number;
  postgres: number;
  others: number;
  /** Length of the window in ms, for shares of the machine. */
  wallMs: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

/** utime + stime in ms from a /proc stat line, or null when unreadable. */
export function statCpu(file: string): { comm: string; ms: number } | null {
  try {
    const stat = fs.readFileSync(file, 'utf8');
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return { comm: stat.slice(stat.indexOf('(') + 1, close), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return null;
  }
}

const machineBusy = () => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0);
const processBusy = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** CPU ms of every local process named postgres, by pid (empty without /proc). */
function postgresByPid(): Map<number, number> {
  const byPid = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return byPid;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statCpu(`/proc/${entry}/stat`);
    if (stat?.comm === 'postgres') byPid.set(Number(entry), stat.ms);
  }
  return byPid;
}

interface Snapshot {
  at: number;
  main: number | null;
  process: number;
  machine: number;
  postgres: Map<number, number>;
}

const snapshot = (): Snapshot => ({
  at: performance.now(),
  main: statCpu(`/proc/self/task/${process.pid}/stat`)?.ms ?? null,
  process: processBusy(),
  machine: machineBusy(),
  postgres: postgresByPid(),
});

export interface CpuSampler extends Marks {
  /** The window's CPU, attributing to `postgres` only the given backend pids. */
  result(ours: ReadonlySet<number>): CpuMs;
}

export function cpuSampler(): CpuSampler {
  let elu = performance.eventLoopUtilization();
  let before = snapshot();
  let after = before;
  let eluActive = 0;
  return {
    start() {
      elu = performance.eventLoopUtilization();
      before = snapshot();
    },
    end() {
      eluActive = performance.eventLoopUtilization(elu).active;
      after = snapshot();
    },
    result(ours) {
      const main = before.main === null || after.main === null ? eluActive : after.main - before.main;
      const processMs = after.process - before.process;
      let postgres = after.postgres.size === 0 ? NaN : 0;
      for (const [pid, ms] of after.postgres) if (ours.has(pid)) postgres += ms - (before.postgres.get(pid) ?? 0);
      const machine = after.machine - before.machine;
      const others = machine - processMs - (Number.isNaN(postgres) ? 0 : postgres);
      return { main, process: processMs, postgres, others, wallMs: after.at - before.at };
    },
  };
}
