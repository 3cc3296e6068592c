// Owns what every suite shares: the run's settings, measuring rounds (each concurrency runs every
// unit back to back, so background noise hits them alike; with BENCH_REPEAT > 1 each row keeps its
// median-throughput round), and the statements-per-flow count. A unit is one target doing one
// scenario (the OTP flow, a token grant, a Management API read).
import type { Driver, Measured } from './driver.ts';
import type { LoadSpec } from './load.ts';
import type { Row } from './report.ts';
import type { Target } from './target.ts';

export interface Settings {
  seconds: number;
  warmupSeconds: number;
  levels: number[];
  repeat: number;
  countFlows: number;
  /** BENCH_TARGETS: which targets run, by name. */
  wanted: string[];
  /** BENCH_SCENARIOS: which of the OIDC suite's scenarios run (grant, read). */
  scenarios: string[];
}

export interface SuiteContext {
  settings: Settings;
  driver: Driver;
  databaseUrl: string;
  poolSize: number;
  /** Starts a target (if wanted) and keeps it, so the run closes it at the end or on Ctrl-C. */
  open<T extends Target>(name: string, start: () => Promise<T>): Promise<T | null>;
  /**
   * A step Ctrl-C runs (before closing the open targets) while a target is still being built, e.g.
   * cancelling a long seed and dropping its schema; answers the function that removes it again.
   */
  onInterrupt(step: () => Promise<void>): () => void;
  log(line: string): void;
}

export interface Unit {
  scenario: string;
  target: Target;
  run(spec: LoadSpec): Promise<Measured>;
}

async function runUnit(ctx: SuiteContext, unit: Unit, spec: LoadSpec): Promise<Measured> {
  const result = await unit.run(spec);
  if (result.errors > 0) ctx.log(`  ${unit.target.name}: ${result.errors} failed flows, first: ${result.firstError}`);
  return result;
}

/** Every unit at every concurrency, BENCH_REPEAT rounds; rows sorted by concurrency, then unit order. */
export async function measureRounds(ctx: SuiteContext, units: readonly Unit[]): Promise<Row[]> {
  const { levels, repeat, seconds, warmupSeconds } = ctx.settings;
  const samples = new Map<string, Row[]>();
  for (let round = 1; round <= repeat; round += 1) {
    for (const concurrency of levels) {
      for (const unit of units) {
        const spec = { mode: 'timed' as const, concurrency, warmupMs: warmupSeconds * 1000, durationMs: seconds * 1000 };
        const measured = await runUnit(ctx, unit, spec);
        const key = `${unit.scenario}:${unit.target.name}@${concurrency}`;
        samples.set(key, [...(samples.get(key) ?? []), { scenario: unit.scenario, target: unit.target.name, concurrency, measured }]);
        const rate = (measured.flows / measured.seconds).toFixed(0);
        ctx.log(`  round ${round}: ${unit.scenario.padEnd(6)} ${unit.target.name.padEnd(14)} c=${String(concurrency).padEnd(3)} ${rate}/s`);
      }
    }
  }
  const rows = [...samples.values()].map((rs) => {
    const sorted = [...rs].sort((a, b) => a.measured.flows - b.measured.flows);
    return sorted[Math.floor((sorted.length - 1) / 2)]!;
  });
  // Stable: within one concurrency, rows keep the units' order whatever the round order was.
  return rows.sort((a, b) => a.concurrency - b.concurrency);
}

/** Counts each unit's statements over BENCH_COUNT_FLOWS flows at concurrency 1; one block per unit. */
export async function statementsPerFlow(ctx: SuiteContext, units: readonly Unit[]): Promise<string> {
  return (await countStatements(ctx, units)).text;
}

/** statementsPerFlow, with each unit's statements per flow for a target check. */
export async function countStatements(ctx: SuiteContext, units: readonly Unit[]): Promise<{ text: string; perFlow: Map<Unit, number> }> {
  const flows = ctx.settings.countFlows;
  const lines = [`Statements per flow (${flows} flows at concurrency 1; count × mean round trip):`];
  const perFlow = new Map<Unit, number>();
  for (const unit of units) {
    unit.target.statements.reset();
    const counted = await runUnit(ctx, unit, { mode: 'counted', concurrency: 1, flows });
    const scenario = units.some((u) => u.scenario !== unit.scenario) ? `${unit.scenario}, ` : '';
    perFlow.set(unit, unit.target.statements.count() / counted.flows);
    lines.push(`  ${scenario}${unit.target.name}: ${perFlow.get(unit)!.toFixed(2)} statements/flow`);
    for (const line of unit.target.statements.breakdown(counted.flows)) lines.push(`      ${line}`);
  }
  return { text: lines.join('\n'), perFlow };
}
