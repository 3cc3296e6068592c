// The OTP suite: Verity's OTP flow (POST /otp, then POST /otp/:id with the code) against the bare
// Fastify pair on the same store: on PostgreSQL (baseline: pg.Pool) and on an in-memory PGlite on
// the server's thread (baseline-pglite), so the embedded default is judged against its own limit.
// Prints one table per store, the statements per flow and the targets (concurrency 16):
// PostgreSQL flows/s ≥ 0.5 × pairs/s and p99 ≤ 2 × the pair's; PGlite flows/s ≥ 0.4 × PGlite pairs/s.
import { startBaseline } from './baseline.ts';
import type { CodeBook } from './codebook.ts';
import { startVerity } from './otp.ts';
import { ratioCheck, table, targetsCheck } from './report.ts';
import { measureRounds, statementsPerFlow, type SuiteContext, type Unit } from './suite.ts';
import type { Target } from './target.ts';

/** The target for the embedded default: PGlite OTP flows/s against PGlite pairs/s. */
export const PGLITE_FACTOR = 0.4;

export async function otpSuite(
  ctx: SuiteContext,
  options: { phones: string[]; book: CodeBook; spread: boolean; inline: boolean },
): Promise<void> {
  const { databaseUrl, poolSize } = ctx;
  const { book, phones, spread } = options;
  const keys = spread ? 64 : 1;
  const targets = [
    await ctx.open('baseline', () => startBaseline({ databaseUrl, poolSize })),
    await ctx.open('verity-pg', () => startVerity({ driver: 'pg', databaseUrl, book, phones, keys })),
    await ctx.open('baseline-pglite', () => startBaseline({ store: 'pglite', databaseUrl, poolSize })),
    await ctx.open('verity-pglite', () => startVerity({ driver: 'pglite', databaseUrl, book, phones, keys })),
  ].filter((t): t is Target => t !== null);

  // OTP flows take phone numbers in turn, so each flow of the run sends to a number of its own
  // (until 60,000 flows: then they wrap). The baseline only stores numbers as values.
  let cursor = 0;
  const units: Unit[] = targets.map((target) => ({
    scenario: 'otp',
    target,
    async run(spec) {
      const kind = target.name.startsWith('baseline') ? 'pair' : 'otp';
      const result = await ctx.driver.run({ kind, url: target.url, apiKeys: target.apiKeys, spread, spec, firstPhone: cursor });
      if (kind === 'otp') cursor = (cursor + result.issued) % phones.length;
      return result;
    },
  }));

  console.log('== OTP flow: one flow = 2 HTTP requests ==\n');
  const rows = await measureRounds(ctx, units);
  const on = (store: 'pg' | 'pglite') => rows.filter((r) => r.target.endsWith('-pglite') === (store === 'pglite'));
  console.log(`PostgreSQL\n${table(on('pg'), 'baseline')}\n`);
  console.log(`PGlite (in memory, on the server's thread)\n${table(on('pglite'), 'baseline-pglite')}`);
  console.log('\nbaseline, baseline-pglite: a flow is one pair (insert request + update request).');
  console.log(`CPU ms per flow: server = the servers' thread${options.inline ? ' (and the inline client)' : ''}, ` +
    'process = + client and helper threads, pg = the bench\'s PostgreSQL backends + background processes.');
  console.log('others: share of all cores that other processes used during the row (noise).');
  console.log('×flows/s, ×p99, ×cpu (process + pg per flow): Verity ÷ the same store\'s baseline at the same concurrency. ' +
    '×cpu barely moves with background load.\n');
  console.log(await statementsPerFlow(ctx, units));

  const base = rows.find((r) => r.target === 'baseline' && r.concurrency === 16);
  const otp = rows.find((r) => r.target === 'verity-pg' && r.concurrency === 16);
  if (base && otp) console.log(`\n${targetsCheck(otp.measured, base.measured).text}`);
  const c16 = (target: string) => rows.filter((r) => r.target === target && r.concurrency === 16);
  if (c16('verity-pglite').length > 0 && c16('baseline-pglite').length > 0) {
    const title = `Target (issue): PGlite OTP flows/s ≥ ${PGLITE_FACTOR} × PGlite pairs/s (concurrency 16)`;
    console.log(`\n${ratioCheck(title, PGLITE_FACTOR, c16('verity-pglite'), c16('baseline-pglite'), ['flows/s', 'pairs/s'])}`);
  }
}
