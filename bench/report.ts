// Owns how results read: one table row per (target, concurrency) with throughput, whole-flow
// latency, CPU per flow and the ratios against the baseline at the same concurrency, then the
// targets checks with PASS/MISS and the margin: the OTP flow against its baseline (PostgreSQL,
// concurrency 16), an absolute rate (the OIDC suite's grants/s), and a rate relative to a baseline
// (the Experience suite's flows).
import os from 'node:os';
import type { Measured } from './driver.ts';
import { quantile } from './load.ts';

export interface Row {
  /** Which suite's scenario the row measured (otp, grant, read). */
  scenario?: string;
  target: string;
  concurrency: number;
  measured: Measured;
}

export interface Figures {
  rate: number;
  p50: number;
  p99: number;
  mainMs: number;
  processMs: number;
  postgresMs: number;
  /** Share of all cores other processes used during the window. */
  others: number;
}

export function figures(m: Measured): Figures {
  const per = (ms: number) => (m.flows > 0 ? ms / m.flows : NaN);
  return {
    rate: m.flows / m.seconds,
    p50: quantile(m.latencies, 0.5),
    p99: quantile(m.latencies, 0.99),
    mainMs: per(m.cpu.main),
    processMs: per(m.cpu.process),
    postgresMs: per(m.cpu.postgres),
    // /proc and os.cpus() tick separately, so an idle machine can read a hair below zero.
    others: Math.max(0, m.cpu.others / (m.cpu.wallMs * cores)),
  };
}

/** The bench's own CPU per flow: this process plus its PostgreSQL backends (PGlite runs inside). */
const cpuPerFlow = (f: Figures) => f.processMs + (Number.isNaN(f.postgresMs) ? 0 : f.postgresMs);

const cores = os.cpus().length;

const pad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s);
const fix = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export function table(rows: readonly Row[], baseline: string, rateLabel = 'flows/s'): string {
  const header = ['target', 'conc', rateLabel, 'p50 ms', 'p99 ms', 'cpu: server', 'process', 'pg', 'others', 'errors', '×flows/s', '×p99', '×cpu'];
  const widths = [15, 4, 8, 7, 7, 11, 8, 6, 6, 6, 8, 5, 5];
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
        fix(f.mainMs, 2),
        fix(f.processMs, 2),
        fix(f.postgresMs, 2),
        `${fix(f.others * 100, 0)}%`,
        String(row.measured.errors),
        isBase || !b ? '1' : fix(f.rate / b.rate, 2),
        isBase || !b ? '1' : fix(f.p99 / b.p99, 2),
        isBase || !b ? '1' : fix(cpuPerFlow(f) / cpuPerFlow(b), 2),
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
  const cpuRatio = cpuPerFlow(o) / cpuPerFlow(b);
  const text = [
    `Targets (PostgreSQL, concurrency 16):`,
    `  throughput  OTP ${fix(o.rate, 0)} flows/s ≥ 0.5 × baseline ${fix(b.rate, 0)} pairs/s = ${fix(needRate, 0)}  →  ${rateGap}`,
    `  p99         OTP ${fix(o.p99, 2)} ms ≤ 2 × baseline ${fix(b.p99, 2)} ms = ${fix(maxP99, 2)} ms  →  ${p99Gap}`,
    `  cross-check CPU per flow (process + pg): OTP ${fix(cpuPerFlow(o), 2)} ms, baseline ${fix(cpuPerFlow(b), 2)} ms, ×${fix(cpuRatio, 2)}; ` +
      `CPU-bound, that predicts ×${fix(1 / cpuRatio, 2)} throughput (target ×0.50 needs ×cpu ≤ 2.00)`,
  ].join('\n');
  return { text, pass: ratePass && p99Pass };
}

/**
 * An absolute throughput target (the OIDC suite: grants/s) on each row given, with the two ceilings
 * its CPU figures imply: the machine's (cores × 1000 ÷ (process + pg) ms) and the server thread's
 * (1000 ÷ server ms: one Node thread runs every request's JavaScript).
 */
export function rateCheck(title: string, unit: string, minimum: number, rows: readonly Row[]): string {
  const lines = [`${title}:`];
  for (const row of rows) {
    const f = figures(row.measured);
    lines.push(
      `  c${String(row.concurrency).padEnd(3)} ${row.target} ${fix(f.rate, 0)} ${unit} ≥ ${minimum}  →  ${rateGap(f.rate, minimum, unit)}; ceilings: ` +
        `machine ${cores} × 1000 ÷ ${fix(cpuPerFlow(f), 2)} ms ≈ ${fix((cores * 1000) / cpuPerFlow(f), 0)}, ` +
        `server thread 1000 ÷ ${fix(f.mainMs, 2)} ms ≈ ${fix(1000 / f.mainMs, 0)}`,
    );
  }
  return lines.join('\n');
}

/** PASS by how much, or MISS by how much and what it would take. */
function rateGap(rate: number, minimum: number, unit: string): string {
  return rate >= minimum
    ? `PASS by ${fix((rate / minimum - 1) * 100, 0)}%`
    : `MISS by ${fix((1 - rate / minimum) * 100, 0)}% (needs +${fix(minimum - rate, 0)} ${unit}, ×${fix(minimum / rate, 2)})`;
}

/**
 * A throughput target relative to a baseline measured in the same run, on each row given: rate ≥
 * factor × the baseline's rate at the same concurrency (the Experience suite: password flows against
 * argon2id verifications, code flows against bare pairs), with ×cpu, what one flow costs against
 * one baseline unit whatever else ran.
 */
export function ratioCheck(title: string, factor: number, rows: readonly Row[], baseline: readonly Row[], units: [string, string]): string {
  const lines = [`${title}:`];
  for (const row of rows) {
    const base = baseline.find((b) => b.concurrency === row.concurrency);
    if (!base) continue;
    const f = figures(row.measured);
    const b = figures(base.measured);
    const need = factor * b.rate;
    lines.push(
      `  c${String(row.concurrency).padEnd(3)} ${row.target} ${fix(f.rate, 0)} ${units[0]} ≥ ${factor} × ${base.target} ` +
        `${fix(b.rate, 0)} ${units[1]} = ${fix(need, 0)}  →  ${rateGap(f.rate, need, units[0])}; ` +
        `ratio ${fix(f.rate / b.rate, 2)}, ×cpu ${fix(cpuPerFlow(f) / cpuPerFlow(b), 2)}`,
    );
  }
  return lines.join('\n');
}

/** A ceiling on statements per flow (the Experience suite's sign-ins), with the margin. */
export function statementCheck(title: string, maximum: number, perFlow: number): string {
  const verdict = perFlow <= maximum
    ? `PASS by ${fix(maximum - perFlow, 2)} statements`
    : `MISS by ${fix(perFlow - maximum, 2)} statements (needs ÷${fix(perFlow / maximum, 2)})`;
  return `${title}: ${fix(perFlow, 2)} ≤ ${maximum}  →  ${verdict}`;
}
