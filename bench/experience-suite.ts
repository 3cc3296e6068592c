// The Experience suite: a whole sign-in through the Experience API as a browser and an SPA run it
// (experience-flow.ts: authorization request with PKCE, the sign-in page's calls, the redirects back
// through the provider, the code exchange), by password and by a code emailed to the address, on
// PostgreSQL and on PGlite, each beside the baseline that bounds it, measured in the same run:
//   password: argon2id verifications per second through Verity's own pool (argon2-baseline.ts);
//   code:     the bare INSERT + UPDATE pair (baseline.ts, as in the OTP suite).
// Prints one table per method, where each flow's CPU goes (server thread, argon2 pool, the rest of
// the process, PostgreSQL), the statements per flow, Verity's memory (memory.ts: the target alone in
// a child process, after start and after the suite's load), and the issues' targets (PostgreSQL):
//   password flows/s ≥ 0.6 × argon2id verifications/s (each concurrency), ≤ 15 statements per flow;
//   code flows/s ≥ 250 at concurrency 16, ≤ 20 statements per flow; RSS after the suite ≤ 200 MB;
//   password + TOTP flows/s ≥ 0.9 × password-only flows/s (each concurrency), the TOTP step's
//   p50 ≤ 2 ms at concurrency 1 (its p50/p99 at every concurrency printed on their own);
//   password + Account API flows/s (a second argon2id verification: POST /api/verifications/password,
//   then GET /api/my-account) ≥ 0.45 × password-only flows/s, the two Account requests adding ≤ 10
//   statements per flow, their p50/p99 printed on their own.
// The social sign-in (through a GitHub-like provider on loopback) is printed beside the email-code
// flow of the same server, with its statements per flow; it has no target of its own.
import os from 'node:os';
import { probePasswordPool, startArgon2Baseline } from './argon2-baseline.ts';
import { startBaseline } from './baseline.ts';
import type { CodeBook } from './codebook.ts';
import type { Measured } from './driver.ts';
import type { SignInMethod } from './experience-flow.ts';
import { startVerityExperience, TOTP_USERS, type ExperienceTarget } from './experience.ts';
import { quantile, type LoadSpec } from './load.ts';
import { startMemoryServer } from './memory.ts';
import { figures, rateCheck, ratioCheck, statementCheck, table, type Row } from './report.ts';
import { countStatements, measureRounds, type SuiteContext, type Unit } from './suite.ts';
import type { Target } from './target.ts';

/** The issue's targets (PostgreSQL). */
export const PASSWORD_FACTOR = 0.6;
export const PASSWORD_STATEMENTS = 15;
export const CODE_FLOWS_PER_SECOND = 250;
export const CODE_STATEMENTS = 20;
export const MEMORY_MB = 200;
export const TOTP_FACTOR = 0.9;
export const TOTP_STEP_P50_MS = 2;
export const ACCOUNT_FACTOR = 0.45;
export const ACCOUNT_EXTRA_STATEMENTS = 10;
/** Every bench user's password (the growth suite's users too). */
export const PASSWORD = 'Bench-Passw0rd-2026';

const fix = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const mb = (bytes: number) => bytes / (1024 * 1024);

export async function experienceSuite(ctx: SuiteContext, options: { book: CodeBook; users: number }): Promise<void> {
  const { databaseUrl, poolSize, settings } = ctx;
  // First, before anything else hashes: the pool's threads are found as they start.
  const probe = await probePasswordPool(PASSWORD);
  const argon2 = await ctx.open('baseline', () => startArgon2Baseline(probe, PASSWORD));
  const pairs = await ctx.open('baseline', () => startBaseline({ databaseUrl, poolSize }));
  const record = (slot: number, code: string) => options.book.record(slot, code);
  const verity = (driver: 'pg' | 'pglite') => {
    ctx.log(`  creating ${options.users} users (${driver})`);
    return startVerityExperience({ driver, databaseUrl, record, users: options.users, password: PASSWORD, passwordHash: probe.hash });
  };
  const pg = await ctx.open('verity-pg', () => verity('pg'));
  const lite = await ctx.open('verity-pglite', () => verity('pglite'));

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
  // Flows take users in turn across runs, so a user's last flow is long over when it comes round
  // again (TOTP users from their own pool: a TOTP step is accepted once per user).
  const cursors = { users: 0, totp: 0 };
  const signIn = (target: Pick<ExperienceTarget, 'url' | 'experience'>, method: SignInMethod) => async (spec: LoadSpec) => {
    const experience = { ...target.experience, method };
    const pool = method === 'password-totp' ? 'totp' : 'users';
    const result = await ctx.driver.run({ kind: 'experience', url: target.url, experience, spec, firstPhone: cursors[pool] });
    cursors[pool] = (cursors[pool] + result.issued) % (pool === 'totp' ? TOTP_USERS : options.users);
    return result;
  };
  const verities = [pg, lite].filter((t): t is ExperienceTarget => t !== null);
  const verityUnits = (method: SignInMethod) => verities.flatMap((t) => unit(method, t, signIn(t, method)));
  const units = [
    ...unit('password', argon2, (spec) => ctx.driver.run({ kind: 'call', url: argon2!.url, call: argon2!.call, spec, firstPhone: 0 })),
    ...verityUnits('password'),
    ...unit('code', pairs, (spec) => ctx.driver.run({ kind: 'pair', url: pairs!.url, spec, firstPhone: 0 })),
    ...verityUnits('code'),
    ...unit('password-totp', pg, signIn(pg!, 'password-totp')),
    ...unit('password-account', pg, signIn(pg!, 'password-account')),
    ...unit('social', pg, signIn(pg!, 'social')),
    ...unit('password-page', pg, signIn(pg!, 'password-page')),
  ];

  console.log('== Experience API sign-in, authorization request to tokens: one flow = 7 HTTP requests (password), 8 (code) ==\n');
  const rows = await measureRounds(ctx, units);
  const of = (scenario: SignInMethod, target?: string): Row[] =>
    rows.filter((r) => r.scenario === scenario && (target === undefined || r.target === target));
  console.log(`password sign-in (username); baseline: argon2id verifications through Verity's pool (${probe.threads} threads)`);
  console.log(`${table(of('password'), 'argon2')}\n`);
  console.log('email-code sign-in (send, then verify); baseline: bare INSERT + UPDATE pairs on PostgreSQL, as in the OTP suite');
  console.log(`${table(of('code'), 'baseline')}\n`);
  const withTotp = of('password-totp', 'verity-pg').map((r) => ({ ...r, target: 'pw+totp-pg' }));
  if (withTotp.length > 0) {
    console.log('password + TOTP sign-in (one more request: POST …/totp/verify); baseline: the password-only flow on the same server, same run');
    console.log(`${table([...of('password', 'verity-pg'), ...withTotp], 'verity-pg')}\n`);
    console.log(`${stepsOf(withTotp, 'TOTP step alone (the verify request inside each password + TOTP flow)', ['totp'])}\n`);
  }
  const withAccount = of('password-account', 'verity-pg').map((r) => ({ ...r, target: 'pw+acct-pg' }));
  if (withAccount.length > 0) {
    console.log('password sign-in + Account API (two more requests: POST /api/verifications/password, GET /api/my-account); baseline: the password-only flow on the same server, same run');
    console.log(`${table([...of('password', 'verity-pg'), ...withAccount], 'verity-pg')}\n`);
    console.log(`${stepsOf(withAccount, 'Account API steps alone (inside each password + Account flow)', ['account-verify', 'account-read'])}\n`);
  }
  const social = of('social', 'verity-pg').map((r) => ({ ...r, target: 'social-pg' }));
  if (social.length > 0) {
    console.log('social sign-in (GitHub-like provider on loopback: E9, the provider\'s authorize, E10 with Verity\'s code exchange and user read at the provider, then identification and submit); baseline: the email-code flow on the same server, same run');
    console.log(`${table([...of('code', 'verity-pg'), ...social], 'verity-pg')}\n`);
    console.log(`${stepsOf(social, 'Social verification alone (E9, the provider, E10, inside each social flow)', ['social'])}\n`);
  }
  const withPage = of('password-page', 'verity-pg').map((r) => ({ ...r, target: 'pw+page-pg' }));
  if (withPage.length > 0) {
    console.log('password sign-in with the hosted sign-in page loaded first (its HTML, script, stylesheet and GET /api/.well-known/sign-in-exp); baseline: the password-only flow on the same server, same run');
    console.log(`${table([...of('password', 'verity-pg'), ...withPage], 'verity-pg')}\n`);
    console.log(`${stepsOf(withPage, 'Page load alone (inside each flow)', ['page'])}\n`);
  }
  console.log('CPU ms per flow and ratios Verity ÷ baseline at the same concurrency, as in the OTP table (PGlite rows too).\n');
  console.log(`${whereTheTimeGoes(rows, poolMs)}\n`);
  const counted = await countStatements(ctx, units.filter((u) => u.target !== argon2 && u.target !== pairs));
  console.log(counted.text);
  const statementsOf = (scenario: SignInMethod) => units.find((u) => u.scenario === scenario && u.target === pg);

  // Memory: the same target alone in a child process, through the same runs as above.
  const memory: string[] = [];
  for (const driver of ['pg', 'pglite'] as const) {
    if (!settings.wanted.includes(`verity-${driver}`)) continue;
    ctx.log(`  memory: verity-${driver} in a child process`);
    const server = await ctx.open(`verity-${driver}`, () => startMemoryServer({ driver, databaseUrl, users: options.users, password: PASSWORD, book: options.book }));
    if (!server) continue;
    let flows = 0;
    for (const concurrency of settings.levels) {
      for (const method of ['password', 'code'] as const) {
        const spec = { mode: 'timed' as const, concurrency, warmupMs: settings.warmupSeconds * 1000, durationMs: settings.seconds * 1000 };
        const measured = await signIn(server, method)(spec);
        if (measured.errors > 0) ctx.log(`  memory ${driver}: ${measured.errors} failed flows, first: ${measured.firstError}`);
        flows += measured.issued;
      }
    }
    const after = await server.rss();
    memory.push(`  verity-${driver.padEnd(6)} after start ${fix(mb(server.startRss), 0)} MB, after the suite's load (${flows} flows) ${fix(mb(after), 0)} MB` +
      (driver === 'pg' ? `  →  ≤ ${MEMORY_MB} MB: ${mb(after) <= MEMORY_MB ? `PASS by ${fix(MEMORY_MB - mb(after), 0)} MB` : `MISS by ${fix(mb(after) - MEMORY_MB, 0)} MB`}` : '  (recorded, no target)'));
    await server.close();
  }
  if (memory.length > 0) {
    console.log(`\nMemory: resident set size of the Verity server alone in a child process (same config, users and SPA), ` +
      `after start and after the same runs as above (${settings.levels.join(', ')} × password, code):`);
    console.log(memory.join('\n'));
  }

  console.log('');
  const title = (what: string) => `Target (issue): ${what} (PostgreSQL)`;
  console.log(ratioCheck(title(`password flows/s ≥ ${PASSWORD_FACTOR} × argon2id verifications/s, same concurrency`), PASSWORD_FACTOR, of('password', 'verity-pg'), of('password', 'argon2'), ['flows/s', 'verifies/s']));
  const code16 = of('code', 'verity-pg').filter((r) => r.concurrency === 16);
  if (code16.length > 0) console.log(rateCheck(title(`email-code flows/s ≥ ${CODE_FLOWS_PER_SECOND} at concurrency 16`), 'flows/s', CODE_FLOWS_PER_SECOND, code16));
  const password = statementsOf('password');
  const code = statementsOf('code');
  if (password) console.log(statementCheck(title('password sign-in statements per flow'), PASSWORD_STATEMENTS, counted.perFlow.get(password)!));
  if (code) console.log(statementCheck(title('email-code sign-in statements per flow'), CODE_STATEMENTS, counted.perFlow.get(code)!));
  if (withTotp.length > 0) {
    console.log(ratioCheck(title(`password + TOTP flows/s ≥ ${TOTP_FACTOR} × password-only flows/s, same concurrency`), TOTP_FACTOR, withTotp, of('password', 'verity-pg'), ['flows/s', 'flows/s']));
    const step1 = withTotp.find((r) => r.concurrency === 1)?.measured.steps.totp;
    if (step1) {
      const p50 = quantile(step1, 0.5);
      const verdict = p50 <= TOTP_STEP_P50_MS ? `PASS by ${fix(TOTP_STEP_P50_MS - p50, 2)} ms` : `MISS by ${fix(p50 - TOTP_STEP_P50_MS, 2)} ms`;
      console.log(`${title(`the TOTP step adds ≤ ${TOTP_STEP_P50_MS} ms p50 at concurrency 1`)}: ${fix(p50, 2)} ms  →  ${verdict}`);
    }
  }
  const account = statementsOf('password-account');
  if (withAccount.length > 0) {
    console.log(ratioCheck(title(`password + Account API flows/s ≥ ${ACCOUNT_FACTOR} × password-only flows/s, same concurrency`), ACCOUNT_FACTOR, withAccount, of('password', 'verity-pg'), ['flows/s', 'flows/s']));
  }
  const page = statementsOf('password-page');
  if (page && password) {
    const extra = counted.perFlow.get(page)! - counted.perFlow.get(password)!;
    console.log(`${title('loading the sign-in page adds 0 statements per flow (settings cached)')}: ${fix(extra, 1)}  →  ${extra <= 0.05 ? 'PASS' : 'MISS'}`);
  }
  if (account && password) {
    const extra = counted.perFlow.get(account)! - counted.perFlow.get(password)!;
    const verdict = extra <= ACCOUNT_EXTRA_STATEMENTS ? 'PASS' : 'MISS';
    console.log(`${title(`the two Account API requests add ≤ ${ACCOUNT_EXTRA_STATEMENTS} statements per flow`)}: ${fix(extra, 1)}  →  ${verdict}`);
  }
}

/** Timed steps of a flow (a request inside it) on their own, per concurrency. */
function stepsOf(rows: readonly Row[], what: string, names: readonly string[]): string {
  const out = [`${what}:`];
  for (const row of rows) {
    for (const name of names) {
      const step = row.measured.steps[name];
      if (!step) continue;
      const label = names.length > 1 ? ` ${name.padEnd(15)}` : '';
      out.push(`  c${String(row.concurrency).padEnd(3)}${label} p50 ${fix(quantile(step, 0.5), 2)} ms, p99 ${fix(quantile(step, 0.99), 2)} ms (${step.length} steps)`);
    }
  }
  return out.join('\n');
}

/**
 * CPU ms per flow split into the server thread, the argon2 pool's threads, the rest of this process
 * (load client, libuv's pool signing ES384 tokens, V8 helpers) and PostgreSQL, with the throughput
 * that CPU allows on this machine: cores × 1000 ÷ total.
 */
function whereTheTimeGoes(rows: readonly Row[], poolMs: WeakMap<Measured, number>): string {
  const cores = os.cpus().length;
  const header = ['method', 'target', 'conc', 'server', 'argon2', 'rest', 'pg', 'total', 'CPU allows/s'];
  const widths = [9, 13, 4, 7, 7, 7, 6, 7, 12];
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
