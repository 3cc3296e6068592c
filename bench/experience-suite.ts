// The Experience suite, on PostgreSQL: a whole sign-in through the Experience API as a browser and
// an SPA run it (experience-flow.ts: authorization request with PKCE, the sign-in page's calls,
// the redirects back through the provider, the code exchange), by password and by a code emailed
// to the address, each against the baseline that bounds it, measured in the same run:
//   password: argon2id verifications per second through Verity's own pool (argon2-baseline.ts);
//             target: flows/s ≥ 0.7 × that, at the same concurrency;
//   code:     the bare INSERT + UPDATE pair (baseline.ts, as in the OTP suite); target: flows/s ≥
//             0.5 × pairs/s.
// Prints one table per method, where each flow's CPU goes (server thread, argon2 pool, the rest of
// the process, PostgreSQL), the statements per flow, and the targets.
import os from 'node:os';
import { probePasswordPool, startArgon2Baseline } from './argon2-baseline.ts';
import { startBaseline } from './baseline.ts';
import type { CodeBook } from './codebook.ts';
import type { Measured } from './driver.ts';
import type { SignInMethod } from './experience-flow.ts';
import { startVerityExperience } from './experience.ts';
import type { LoadSpec } from './load.ts';
import { figures, ratioCheck, table, type Row } from './report.ts';
import { measureRounds, statementsPerFlow, type SuiteContext, type Unit } from './suite.ts';
import type { Target } from './target.ts';

/** The targets: password flows against argon2id verifications, code flows against pairs. */
export const PASSWORD_FACTOR = 0.7;
export const CODE_FACTOR = 0.5;
const PASSWORD = 'Bench-Passw0rd-2026';

const fix = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export async function experienceSuite(ctx: SuiteContext, options: { book: CodeBook; users: number }): Promise<void> {
  const { databaseUrl, poolSize } = ctx;
  // First, before anything else hashes: the pool's threads are found as they start.
  const probe = await probePasswordPool(PASSWORD);
  const argon2 = await ctx.open('baseline', () => startArgon2Baseline(probe, PASSWORD));
  const pairs = await ctx.open('baseline', () => startBaseline({ databaseUrl, poolSize }));
  ctx.log(`  creating ${options.users} users`);
  const verity = await ctx.open('verity-pg', () =>
    startVerityExperience({ databaseUrl, book: options.book, users: options.users, password: PASSWORD, passwordHash: probe.hash }),
  );

  // The argon2 pool's CPU per flow, over each whole run (warm-up included: the cost per flow is the same).
  const poolMs = new WeakMap<Measured, number>();
  const unit = (scenario: SignInMethod, target: Target | null, run: (spec: LoadSpec) => Promise<Measured>): Unit[] =>
    target
      ? [
          {
            scenario,
            target,
            async run(spec) {
              const before = probe.cpuMs();
              const measured = await run(spec);
              poolMs.set(measured, (probe.cpuMs() - before) / measured.issued);
              return measured;
            },
          },
        ]
      : [];
  // Flows take users in turn across runs, so a user's last flow is long over when it comes round again.
  let cursor = 0;
  const signIn = (method: SignInMethod) => async (spec: LoadSpec) => {
    const experience = { ...verity!.experience, method };
    const result = await ctx.driver.run({ kind: 'experience', url: verity!.url, experience, spec, firstPhone: cursor });
    cursor = (cursor + result.issued) % options.users;
    return result;
  };
  const units = [
    ...unit('password', argon2, (spec) => ctx.driver.run({ kind: 'call', url: argon2!.url, call: argon2!.call, spec, firstPhone: 0 })),
    ...unit('password', verity, signIn('password')),
    ...unit('code', pairs, (spec) => ctx.driver.run({ kind: 'pair', url: pairs!.url, spec, firstPhone: 0 })),
    ...unit('code', verity, signIn('code')),
  ];

  console.log('== Experience API sign-in, authorization request to tokens: one flow = 7 HTTP requests (password), 8 (code) ==\n');
  const rows = await measureRounds(ctx, units);
  const of = (scenario: SignInMethod, target?: string): Row[] =>
    rows.filter((r) => r.scenario === scenario && (target === undefined || r.target === target));
  console.log(`password sign-in (username); baseline: argon2id verifications through Verity's pool (${probe.threads} threads)`);
  console.log(`${table(of('password'), 'argon2')}\n`);
  console.log('email-code sign-in (send, then verify); baseline: bare INSERT + UPDATE pairs, as in the OTP suite');
  console.log(`${table(of('code'), 'baseline')}\n`);
  console.log('CPU ms per flow and ratios Verity ÷ baseline at the same concurrency, as in the OTP table.\n');
  console.log(`${whereTheTimeGoes(rows, poolMs)}\n`);
  console.log(await statementsPerFlow(ctx, units.filter((u) => u.target !== argon2)));
  console.log('');
  const title = (what: string) => `Target (issue): ${what} (PostgreSQL, same concurrency)`;
  console.log(ratioCheck(title(`password flows/s ≥ ${PASSWORD_FACTOR} × argon2id verifications/s`), PASSWORD_FACTOR, of('password', 'verity-pg'), of('password', 'argon2'), ['flows/s', 'verifies/s']));
  console.log(ratioCheck(title(`code flows/s ≥ ${CODE_FACTOR} × baseline pairs/s`), CODE_FACTOR, of('code', 'verity-pg'), of('code', 'baseline'), ['flows/s', 'pairs/s']));
}

/**
 * CPU ms per flow split into the server thread, the argon2 pool's threads, the rest of this process
 * (load client, libuv's pool signing ES384 tokens, V8 helpers) and PostgreSQL, with the throughput
 * that CPU allows on this machine: cores × 1000 ÷ total.
 */
function whereTheTimeGoes(rows: readonly Row[], poolMs: WeakMap<Measured, number>): string {
  const cores = os.cpus().length;
  const header = ['method', 'target', 'conc', 'server', 'argon2', 'rest', 'pg', 'total', 'CPU allows/s'];
  const widths = [9, 10, 4, 7, 7, 7, 6, 7, 12];
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' ');
  const out = ['Where a flow\'s CPU goes (ms per flow; argon2 = the pool\'s threads over the whole run incl. warm-up):', line(header)];
  for (const row of rows) {
    const f = figures(row.measured);
    const pool = poolMs.get(row.measured) ?? NaN;
    const total = f.processMs + (Number.isNaN(f.postgresMs) ? 0 : f.postgresMs);
    const cells = [f.mainMs, pool, f.processMs - f.mainMs - pool, f.postgresMs, total].map((n) => fix(n, 2));
    out.push(line([row.scenario ?? '', row.target, String(row.concurrency), ...cells, fix((cores * 1000) / total, 0)]));
  }
  return out.join('\n');
}
