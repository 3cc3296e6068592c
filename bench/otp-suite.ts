// The OTP suite: Verity's OTP flow (POST /otp, then POST /otp/:id with the code) against the bare
// Fastify + pg baseline's pair, on PostgreSQL and on PGlite; prints the table, the statements per
// flow and the targets check (PostgreSQL, concurrency 16).
import { startBaseline } from './baseline.ts';
import type { CodeBook } from './codebook.ts';
import { startVerity } from './otp.ts';
import { table, targetsCheck } from './report.ts';
import { measureRounds, statementsPerFlow, type SuiteContext, type Unit } from './suite.ts';
import type { Target } from './target.ts';

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
    await ctx.open('verity-pglite', () => startVerity({ driver: 'pglite', databaseUrl, book, phones, keys })),
  ].filter((t): t is Target => t !== null);

  // OTP flows take phone numbers in turn, so each flow of the run sends to a number of its own
  // (until 60,000 flows: then they wrap). The baseline only stores numbers as values.
  let cursor = 0;
  const units: Unit[] = targets.map((target) => ({
    scenario: 'otp',
    target,
    async run(spec) {
      const kind = target.name === 'baseline' ? 'pair' : 'otp';
      const result = await ctx.driver.run({ kind, url: target.url, apiKeys: target.apiKeys, spread, spec, firstPhone: cursor });
      if (kind === 'otp') cursor = (cursor + result.issued) % phones.length;
      return result;
    },
  }));

  console.log('== OTP flow: one flow = 2 HTTP requests ==\n');
  const rows = await measureRounds(ctx, units);
  console.log(table(rows, 'baseline'));
  console.log('\nbaseline: a flow is one pair (insert request + update request).');
  console.log(`CPU ms per flow: server = the servers' thread${options.inline ? ' (and the inline client)' : ''}, ` +
    'process = + client and helper threads, pg = the bench\'s PostgreSQL backends + background processes.');
  console.log('others: share of all cores that other processes used during the row (noise).');
  console.log('×flows/s, ×p99, ×cpu (process + pg per flow): Verity ÷ baseline at the same concurrency ' +
    '(PGlite rows too: against the PostgreSQL baseline). ×cpu barely moves with background load.\n');
  console.log(await statementsPerFlow(ctx, units));

  const base = rows.find((r) => r.target === 'baseline' && r.concurrency === 16);
  const otp = rows.find((r) => r.target === 'verity-pg' && r.concurrency === 16);
  if (base && otp) console.log(`\n${targetsCheck(otp.measured, base.measured).text}`);
}
