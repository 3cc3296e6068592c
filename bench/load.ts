// Owns closed-loop load generation and its statistics: `concurrency` virtual users each run one flow
// after another. A timed run warms up first; throughput counts the flows that finish inside the
// measured window, latency samples every flow that starts inside it (however late it finishes), so
// slow cold-start flows from the warm-up never count and slow flows at the end are not dropped.
// A counted run stops after a fixed number of flows.

/** One unit of work (an OTP flow or a baseline pair); `n` numbers flows from 0 across all users.
 *  A flow may time a step of its own (`step(name, ms)`), reported apart from the whole flow. */
export type Flow = (n: number, step: StepTimer) => Promise<void>;
export type StepTimer = (name: string, ms: number) => void;

export type LoadSpec =
  | { mode: 'timed'; concurrency: number; warmupMs: number; durationMs: number }
  | { mode: 'counted'; concurrency: number; flows: number };

export interface LoadResult {
  /** Flows finished inside the measured window (all flows for a counted run). */
  flows: number;
  /** Length of the measured window in seconds. */
  seconds: number;
  /** Whole-flow latency in ms of every flow started inside the window, ascending. */
  latencies: Float64Array;
  /** Flows that threw (a wrong status or a network error), inside or outside the window. */
  errors: number;
  firstError?: string;
  /** Flow numbers used, so the next run can start after them. */
  issued: number;
  /** Latencies in ms of the steps flows timed (StepTimer), by name, ascending; same window rule. */
  steps: Record<string, Float64Array>;
}

/** Called when the measured window opens and closes (CPU sampling hangs off these). */
export interface Marks {
  start(): void;
  end(): void;
}

const noMarks: Marks = { start: () => undefined, end: () => undefined };

const once = (fn: () => void) => {
  let done = false;
  return () => {
    if (!done) fn();
    done = true;
  };
};

export async function runLoad(spec: LoadSpec, flow: Flow, marks: Marks = noMarks): Promise<LoadResult> {
  const begin = performance.now();
  const timed = spec.mode === 'timed';
  const windowStart = timed ? begin + spec.warmupMs : begin;
  const windowEnd = timed ? windowStart + spec.durationMs : Infinity;
  const latencies: number[] = [];
  const steps = new Map<string, number[]>();
  let completed = 0;
  let issued = 0;
  let errors = 0;
  let firstError: string | undefined;
  let lastFinish = begin;

  // Each mark is sent exactly once. The end timer can fire a little late (timers run after I/O), and
  // by then the last flow may have finished and the run returned: the end mark is then sent below.
  const start = once(() => marks.start());
  const end = once(() => marks.end());
  const startTimer = timed ? setTimeout(start, spec.warmupMs) : undefined;
  const endTimer = timed ? setTimeout(end, spec.warmupMs + spec.durationMs) : undefined;
  if (!timed) start();

  const more = () => (timed ? performance.now() < windowEnd : issued < spec.flows);
  const user = async () => {
    while (more()) {
      const n = issued++;
      const started = performance.now();
      const inWindow = started >= windowStart && started < windowEnd;
      const step: StepTimer = (name, ms) => {
        if (!inWindow) return;
        const list = steps.get(name) ?? [];
        list.push(ms);
        steps.set(name, list);
      };
      try {
        await flow(n, step);
        const finished = performance.now();
        lastFinish = finished;
        if (finished >= windowStart && finished <= windowEnd) completed += 1;
        if (inWindow) latencies.push(finished - started);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, user));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  start();
  end();

  const sorted = Float64Array.from(latencies).sort();
  const seconds = timed ? spec.durationMs / 1000 : (lastFinish - begin) / 1000;
  const sortedSteps = Object.fromEntries([...steps].map(([name, list]) => [name, Float64Array.from(list).sort()]));
  return { flows: completed, seconds, latencies: sorted, errors, firstError, issued, steps: sortedSteps };
}

/** The q-quantile (0..1) of ascending samples, nearest-rank; NaN when there are none. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
