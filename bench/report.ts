// Owns how results read: one table row per (target, concurrency) with throughput, whole-flow
// latency, CPU per flow and the ratios against the baseline at the same concurrency, then the
// targets check (PostgreSQL, concurrency 16) with PASS/MISS and the margin.
import type { Measured } from './driver.ts';
import { quantile } from './load.ts';

export interface Row {
  target: string;
  concurrency: number;
  measured: Measured;
  /** Share of all cores other processes kept busy just before the row ran. */
  background: number;
}

export interface Figures {
  rate: number;
  p50: number;
  p99: number;
  mainMs: number;
  cpuMs: number;
}

export function figures(m: Measured): Figures {
  const per = (ms: number) => (m.flows > 0 ? ms / m.flows : NaN);
  return {
    rate: m.flows / m.seconds,
    p50: quantile(m.latencies, 0.5),
    p99: quantile(m.latencies, 0.99),
    mainMs: per(m.mainBusyMs),
    cpuMs: per(m.machineBusyMs),
  };
}

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fix = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function table(rows: readonly Row[], baseline: string): string {
  const header = ['target', 'conc', 'flows/s', 'p50 ms', 'p99 ms', 'main ms/flow', 'cpu ms/flow', 'bg cpu', 'errors', '×flows/s', '×p99'];
  const widths = [14, 5, 8, 8, 8, 13, 12, 7, 7, 9, 6];
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[0]!) : pad(c, widths[i]!))).join(' ');
  const out = [line(header), '-'.repeat(widths.reduce((a, b) => a + b + 1, -1))];
  for (const row of rows) {
    const f = figures(row.measured);
    const base = rows.find((r) => r.target === baseline && r.concurrency === row.concurrency);
    const b = base ? figures(base.measured) : null;
    const isBase = row.target === baseline;
    out.push(
      line([
        row.target,
        String(row.concurrency),
        fix(f.rate, 0),
        fix(f.p50, 2),
        fix(f.p99, 2),
        fix(f.mainMs, 3),
        fix(f.cpuMs, 3),
        `${fix(row.background * 100, 0)}%`,
        String(row.measured.errors),
        isBase || !b ? '1' : fix(f.rate / b.rate, 2),
        isBase || !b ? '1' : fix(f.p99 / b.p99, 2),
      ]),
    );
  }
  return out.join('\n');
}

/** The targets at concurrency 16 on PostgreSQL: OTP flows/s ≥ 0.5 × baseline, OTP p99 ≤ 2 × baseline. */
export function targetsCheck(otp: Measured, baseline: Measured): { text: string; pass: boolean } {
  const o = figures(otp);
  const b = figures(baseline);
  const needRate = 0.5 * b.rate;
  const maxP99 = 2 * b.p99;
  const ratePass = o.rate >= needRate;
  const p99Pass = o.p99 <= maxP99;
  const rateGap = ratePass
    ? `PASS by ${fix((o.rate / needRate - 1) * 100, 0)}% (${fix(o.rate - needRate, 0)} flows/s to spare)`
    : `MISS by ${fix((1 - o.rate / needRate) * 100, 0)}% (needs +${fix(needRate - o.rate, 0)} flows/s, ×${fix(needRate / o.rate, 2)})`;
  const p99Gap = p99Pass
    ? `PASS by ${fix((1 - o.p99 / maxP99) * 100, 0)}% (${fix(maxP99 - o.p99, 2)} ms to spare)`
    : `MISS by ${fix((o.p99 / maxP99 - 1) * 100, 0)}% (needs −${fix(o.p99 - maxP99, 2)} ms, ÷${fix(o.p99 / maxP99, 2)})`;
  const text = [
    `Targets (PostgreSQL, concurrency 16):`,
    `  throughput  OTP ${fix(o.rate, 0)} flows/s ≥ 0.5 × baseline ${fix(b.rate, 0)} pairs/s = ${fix(needRate, 0)}  →  ${rateGap}`,
    `  p99         OTP ${fix(o.p99, 2)} ms ≤ 2 × baseline ${fix(b.p99, 2)} ms = ${fix(maxP99, 2)} ms  →  ${p99Gap}`,
  ].join('\n');
  return { text, pass: ratePass && p99Pass };
}
