// The OIDC suite, on PostgreSQL: a machine-to-machine client's client-credentials grant
// (POST /oidc/token) and a Management API read with that token (GET /api/applications/{id}),
// each request a flow of its own, against the bare Fastify + pg + jose baseline doing the same
// work without oidc-provider (oidc-baseline.ts). Prints one table per scenario, the statements per
// request, and the target: ≥ 500 grants/s on this machine.
import { rateCheck, table, type Row } from './report.ts';
import { startOidcBaseline } from './oidc-baseline.ts';
import { startVerityOidc } from './oidc.ts';
import { measureRounds, statementsPerFlow, type SuiteContext, type Unit } from './suite.ts';
import type { Target } from './target.ts';

/** The target: client-credentials grants per second on the 2-core machine. */
export const GRANTS_PER_SECOND_TARGET = 500;

const SCENARIOS = [
  {
    key: 'grant',
    rate: 'grants/s',
    title: 'client-credentials grant: Verity POST /oidc/token (oidc-provider); baseline POST /token',
  },
  {
    key: 'read',
    rate: 'calls/s',
    title: 'Management API read: GET /api/applications/{id} with the bearer token (verified on every call)',
  },
] as const;

export async function oidcSuite(ctx: SuiteContext): Promise<void> {
  const { databaseUrl, poolSize } = ctx;
  const targets = [
    await ctx.open('baseline', () => startOidcBaseline({ databaseUrl, poolSize })),
    await ctx.open('verity-pg', () => startVerityOidc({ databaseUrl })),
  ].filter((t): t is Target => t !== null);
  const scenarios = SCENARIOS.filter((s) => ctx.settings.scenarios.includes(s.key));
  const units: Unit[] = scenarios.flatMap(({ key }) =>
    targets.map((target) => ({
      scenario: key,
      target,
      run: (spec) => ctx.driver.run({ kind: 'call', url: target.url, call: target.calls![key], spec, firstPhone: 0 }),
    })),
  );

  console.log('== OIDC: client-credentials grants and Management API reads; one flow = 1 HTTP request ==\n');
  const rows = await measureRounds(ctx, units);
  const of = (scenario: string, target?: string): Row[] =>
    rows.filter((r) => r.scenario === scenario && (target === undefined || r.target === target));
  for (const scenario of scenarios) {
    console.log(`${scenario.title}\n${table(of(scenario.key), 'baseline', scenario.rate)}\n`);
  }
  console.log('CPU ms per request, ratios Verity ÷ baseline at the same concurrency, as in the OTP table.\n');
  console.log(await statementsPerFlow(ctx, units));
  // A throughput target: concurrency 1 is latency-bound (one grant at a time), so it is not checked.
  const loaded = of('grant', 'verity-pg').filter((r) => r.concurrency > 1);
  const title = `Target (issue): ≥ ${GRANTS_PER_SECOND_TARGET} client-credentials grants/s under load (PostgreSQL)`;
  if (loaded.length > 0) console.log(`\n${rateCheck(title, 'grants/s', GRANTS_PER_SECOND_TARGET, loaded)}`);
}
