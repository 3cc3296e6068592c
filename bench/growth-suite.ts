// The growth suite, on PostgreSQL: does a flow cost the same with 1 M users, 2 M codes and 2 M
// audit rows as on empty tables? Two Verity targets (growth.ts), "empty" and "large" (seeded by
// growth-seed.ts; BENCH_GROWTH_SCALE scales the seed), run the same flows and Management calls at
// concurrency 16, empty then large for each, so a burst of background load hits both alike:
//   otp       POST /otp + POST /otp/{id}                       (OTP API, API key)
//   codes     POST /api/verification-codes + …/verify (phone)  (Management API, bearer token)
//   sign-in   the Experience email-code sign-in (experience-flow.ts)
//   users     GET /api/users?page=1&page_size=20
//   deep      GET /api/users?page=5000&page_size=20             (past the end, so empty, on "empty")
//   search    GET /api/users?search=%<fragment>%&page=1&page_size=20: a fragment of one address,
//             as typed to find someone (the issue's search target)
//   search-seq GET /api/users?search=%user<k>%: a handful of users, every trigram common (worst case)
//   logs      GET /api/logs?page=1&page_size=20
//   app       GET /api/applications/{id}
// then times one housekeeping pass on each (expireDueCodes and purgeExpired, as the worker runs
// them). Prints each row with the ratios large ÷ empty and the issue's targets: p50 ≤ 1.3 × and
// flows/s ≥ 0.8 × empty's, and search p50 ≤ 50 ms on the large schema.
import { expireDueCodes } from '../src/domain/codes/index.ts';
import { systemClock } from '../src/domain/clock.ts';
import { purgeExpired } from '../src/storage/repos/housekeeping.ts';
import { retentionOf } from '../src/worker.ts';
import type { CodeBook } from './codebook.ts';
import type { Measured } from './driver.ts';
import type { CallSpec } from './flows.ts';
import { distinctFragment, searchFragment, seedCounts } from './growth-seed.ts';
import { startGrowthTarget, type GrowthTarget } from './growth.ts';
import type { LoadSpec } from './load.ts';
import { figures, type Row } from './report.ts';
import { measureRounds, type SuiteContext, type Unit } from './suite.ts';
import { benchConfig } from './verity.ts';

/** The issue's targets, large ÷ empty at concurrency 16, and search latency at 1 M users. */
export const LATENCY_FACTOR = 1.3;
export const THROUGHPUT_FACTOR = 0.8;
export const SEARCH_P50_MS = 50;
const CONCURRENCY = 16;
const DEEP_PAGE = 5000;

const fix = (n: number, digits: number) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export async function growthSuite(
  ctx: SuiteContext,
  options: { book: CodeBook; phones: string[]; users: number; scale: number; password: string; passwordHash: string },
): Promise<void> {
  const counts = seedCounts(options.scale);
  const fragment = distinctFragment(counts);
  const sequential = searchFragment(counts);
  const common = { databaseUrl: ctx.databaseUrl, book: options.book, phones: options.phones, users: options.users, password: options.password, passwordHash: options.passwordHash, log: ctx.log, onInterrupt: ctx.onInterrupt };
  const empty = await ctx.open('verity-pg', () => startGrowthTarget({ ...common, name: 'empty' }));
  const started = performance.now();
  const large = await ctx.open('verity-pg', () => startGrowthTarget({ ...common, name: 'large', seed: counts }));
  const setupSeconds = (performance.now() - started) / 1000;
  const targets = [empty, large].filter((t): t is GrowthTarget => t !== null);

  const read = (path: string) => (t: GrowthTarget): CallSpec => ({ method: 'GET', path, headers: { authorization: `Bearer ${t.token}` }, status: 200 });
  const calls: [string, string, (t: GrowthTarget) => CallSpec][] = [
    ['users', 'GET /api/users page 1', read('/api/users?page=1&page_size=20')],
    ['deep', `GET /api/users page ${DEEP_PAGE}`, read(`/api/users?page=${DEEP_PAGE}&page_size=20`)],
    ['search', `GET /api/users?search=%${fragment}%`, read(`/api/users?search=${encodeURIComponent(`%${fragment}%`)}&page=1&page_size=20`)],
    ['search-seq', `GET /api/users?search=%${sequential}%`, read(`/api/users?search=${encodeURIComponent(`%${sequential}%`)}&page=1&page_size=20`)],
    ['logs', 'GET /api/logs page 1', read('/api/logs?page=1&page_size=20')],
    ['app', 'GET /api/applications/{id}', (t) => ({ ...read(`/api/applications/${t.clientId}`)(t), field: 'id' })],
  ];
  // Flows take phone numbers and users in turn across runs, as in the OTP and Experience suites.
  let phone = 0;
  let user = 0;
  const flows: [string, string, (t: GrowthTarget, spec: LoadSpec) => Promise<Measured>][] = [
    ['otp', 'OTP API: POST /otp + verify', async (t, spec) => {
      const result = await ctx.driver.run({ kind: 'otp', url: t.url, apiKeys: t.apiKeys, spec, firstPhone: phone });
      phone = (phone + result.issued) % options.phones.length;
      return result;
    }],
    ['codes', 'Management: POST /api/verification-codes + verify', async (t, spec) => {
      const result = await ctx.driver.run({ kind: 'codes', url: t.url, bearer: t.token, spec, firstPhone: phone });
      phone = (phone + result.issued) % options.phones.length;
      return result;
    }],
    ['sign-in', 'Experience email-code sign-in (8 requests)', async (t, spec) => {
      const result = await ctx.driver.run({ kind: 'experience', url: t.url, experience: { ...t.experience, method: 'code' }, spec, firstPhone: user });
      user = (user + result.issued) % options.users;
      return result;
    }],
    ...calls.map(([key, title, call]): (typeof flows)[number] => [key, title, (t, spec) => ctx.driver.run({ kind: 'call', url: t.url, call: call(t), spec, firstPhone: 0 })]),
  ];
  const units: Unit[] = flows.flatMap(([scenario, , run]) => targets.map((target) => ({ scenario, target, run: (spec: LoadSpec) => run(target, spec) })));

  const c = counts;
  console.log(`== Growth: the same flows on an empty schema and on a large one (concurrency ${CONCURRENCY}) ==\n`);
  console.log(`large: ${c.users} users, ${c.codes} verification codes (${c.pending} pending), ${c.events} callback events, ` +
    `${c.counters} rate counters, ${c.audit} audit rows (BENCH_GROWTH_SCALE=${options.scale}); ` +
    `seeded and set up in ${fix(setupSeconds, 1)} s\n`);
  const rows = await measureRounds({ ...ctx, settings: { ...ctx.settings, levels: [CONCURRENCY] } }, units);
  console.log(growthTable(rows, flows.map(([key, title]) => [key, title])));
  console.log(`\ndeep: page ${DEEP_PAGE} × 20 is past the end on "empty" (an empty page); on "large" it holds users ${(DEEP_PAGE - 1) * 20 + 1}–${DEEP_PAGE * 20} of the list${c.users < DEEP_PAGE * 20 ? ' (at this scale: past the end too)' : ''}.`);
  console.log('×p50, ×flows/s: large ÷ empty. others: share of all cores other processes used during the row (noise).\n');
  console.log(`${await housekeeping(targets)}\n`);
  console.log(growthChecks(rows, flows.map(([key, title]) => [key, title]), fragment, c.users));
}

/** One housekeeping pass on each target, timed: the worker's expiry of due codes, then one purge. */
async function housekeeping(targets: readonly GrowthTarget[]): Promise<string> {
  const retention = retentionOf(benchConfig());
  const lines = ['Housekeeping, one pass each (as the worker runs it; not a target, the issue asks for the figure):'];
  for (const t of targets) {
    const deps = { db: t.db, clock: systemClock };
    let at = performance.now();
    const expired = await expireDueCodes(deps);
    const expireMs = performance.now() - at;
    at = performance.now();
    const purged = await purgeExpired(t.db, new Date(), retention);
    const purgeMs = performance.now() - at;
    lines.push(`  ${t.name.padEnd(6)} expireDueCodes ${fix(expireMs, 1)} ms (${expired} codes)   purgeExpired ${fix(purgeMs, 1)} ms (${purged} rows)`);
  }
  return lines.join('\n');
}

const pair = (rows: readonly Row[], scenario: string) => ({
  empty: rows.find((r) => r.scenario === scenario && r.target === 'empty'),
  large: rows.find((r) => r.scenario === scenario && r.target === 'large'),
});

function growthTable(rows: readonly Row[], scenarios: readonly [string, string][]): string {
  const header = ['flow', 'schema', 'flows/s', 'p50 ms', 'p99 ms', 'others', 'errors', '×p50', '×flows/s'];
  const widths = [50, 6, 8, 8, 8, 6, 6, 6, 8];
  const line = (cells: string[]) => cells.map((s, i) => (i < 2 ? s.padEnd(widths[i]!) : s.padStart(widths[i]!))).join(' ');
  const out = [line(header), '-'.repeat(widths.reduce((a, b) => a + b + 1, -1))];
  for (const [scenario, title] of scenarios) {
    const { empty } = pair(rows, scenario);
    const e = empty ? figures(empty.measured) : null;
    for (const row of rows.filter((r) => r.scenario === scenario)) {
      const f = figures(row.measured);
      const ratios = row.target === 'large' && e ? [fix(f.p50 / e.p50, 2), fix(f.rate / e.rate, 2)] : ['', ''];
      out.push(line([row.target === 'empty' || !e ? `${scenario}: ${title}`.slice(0, 50) : '', row.target, fix(f.rate, 0), fix(f.p50, 2), fix(f.p99, 2), `${fix(f.others * 100, 0)}%`, String(row.measured.errors), ...ratios]));
    }
  }
  return out.join('\n');
}

function growthChecks(rows: readonly Row[], scenarios: readonly [string, string][], fragment: string, users: number): string {
  const lines = [`Targets (issue; PostgreSQL, concurrency ${CONCURRENCY}, large ÷ empty): p50 ≤ ${LATENCY_FACTOR} × and flows/s ≥ ${THROUGHPUT_FACTOR} × empty's`];
  for (const [scenario] of scenarios) {
    const { empty, large } = pair(rows, scenario);
    if (!empty || !large) continue;
    const e = figures(empty.measured);
    const l = figures(large.measured);
    if (Number.isNaN(l.p50)) {
      // No flow started inside the window: every virtual user's flow from the warm-up outlasted it.
      lines.push(`  ${scenario.padEnd(8)} MISS: every flow took longer than the ${fix(large.measured.seconds, 0)} s window (none started inside it); empty p50 ${fix(e.p50, 2)} ms`);
      continue;
    }
    const maxP50 = LATENCY_FACTOR * e.p50;
    const minRate = THROUGHPUT_FACTOR * e.rate;
    const latency = l.p50 <= maxP50
      ? `PASS by ${fix((1 - l.p50 / maxP50) * 100, 0)}%`
      : `MISS by ${fix((l.p50 / maxP50 - 1) * 100, 0)}% (needs −${fix(l.p50 - maxP50, 2)} ms, ÷${fix(l.p50 / maxP50, 2)})`;
    const rate = l.rate >= minRate
      ? `PASS by ${fix((l.rate / minRate - 1) * 100, 0)}%`
      : `MISS by ${fix((1 - l.rate / minRate) * 100, 0)}% (needs ×${fix(minRate / l.rate, 2)})`;
    lines.push(`  ${scenario.padEnd(8)} p50 ${fix(l.p50, 2)} ms ≤ ${LATENCY_FACTOR} × ${fix(e.p50, 2)} = ${fix(maxP50, 2)} ms  →  ${latency}`);
    lines.push(`  ${''.padEnd(8)} flows/s ${fix(l.rate, 0)} ≥ ${THROUGHPUT_FACTOR} × ${fix(e.rate, 0)} = ${fix(minRate, 0)}  →  ${rate}`);
  }
  const search = pair(rows, 'search').large;
  if (search) {
    const p50 = figures(search.measured).p50;
    const verdict = Number.isNaN(p50)
      ? `MISS (every search took longer than the ${fix(search.measured.seconds, 0)} s window)`
      : p50 <= SEARCH_P50_MS
      ? `PASS by ${fix((1 - p50 / SEARCH_P50_MS) * 100, 0)}%`
      : `MISS by ${fix((p50 / SEARCH_P50_MS - 1) * 100, 0)}% (needs −${fix(p50 - SEARCH_P50_MS, 2)} ms)`;
    lines.push(`Target (issue): user search p50 ≤ ${SEARCH_P50_MS} ms at 1 M users (here ${users}; search=%${fragment}%): ${fix(p50, 2)} ms  →  ${verdict}`);
  }
  return lines.join('\n');
}
