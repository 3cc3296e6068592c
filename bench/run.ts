// npm run bench: Verity's OTP flow against a bare Fastify + pg baseline, in one run. For each
// concurrency it runs the baseline, Verity on PostgreSQL and Verity on PGlite back to back (so
// background noise hits all three alike), then counts statements per flow, prints the table and
// checks the targets. Settings (environment, defaults in brackets):
//   BENCH_SECONDS [5], BENCH_WARMUP_SECONDS [1], BENCH_CONCURRENCY [1,16,64],
//   BENCH_TARGETS [baseline,verity-pg,verity-pglite], BENCH_COUNT_FLOWS [200],
//   BENCH_REPEAT [1] rounds, each row keeping its median-throughput round,
//   BENCH_CLIENT [worker] or inline, BENCH_HTTP [http] or fetch (see driver.ts, client.ts),
//   BENCH_SPREAD [0] or 1: diagnostic, one API key and one source address per flow slot (flows.ts),
//   BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL; DATABASE_POOL_SIZE [10].
import os from 'node:os';
import { startBaseline } from './baseline.ts';
import { codeBook, phoneNumbers } from './codebook.ts';
import { BENCH_APP_NAME } from './cpu.ts';
import { startDriver, type Measured } from './driver.ts';
import { benchConfig, startVerity } from './otp.ts';
import type { LoadSpec } from './load.ts';
import { table, targetsCheck, type Row } from './report.ts';
import { benchBackends, databaseUrl, serverInfo } from './schema.ts';
import type { Target } from './target.ts';

const env = process.env;
const seconds = Number(env.BENCH_SECONDS ?? 5);
const warmupSeconds = Number(env.BENCH_WARMUP_SECONDS ?? 1);
const levels = (env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const wanted = (env.BENCH_TARGETS ?? 'baseline,verity-pg,verity-pglite').split(',');
const countFlows = Number(env.BENCH_COUNT_FLOWS ?? 200);
const repeat = Number(env.BENCH_REPEAT ?? 1);
const spread = env.BENCH_SPREAD === '1';
const placement = env.BENCH_CLIENT === 'inline' ? 'inline' : 'worker';
const transport = env.BENCH_HTTP === 'fetch' ? 'fetch' : 'http';
const PHONES = 60_000;
const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  // Every pool opened from here on (Verity's too) tags its backends, so cpu.ts can find them.
  process.env.PGAPPNAME = BENCH_APP_NAME;
  const url = databaseUrl();
  const poolSize = benchConfig().DATABASE_POOL_SIZE;
  const phones = phoneNumbers(PHONES);
  const book = codeBook(phones.length);
  const targets: Target[] = [];
  const closeAll = async () => {
    for (const t of targets.splice(0)) await t.close().catch((e: unknown) => log(`closing ${t.name}: ${String(e)}`));
  };
  process.once('SIGINT', () => {
    log('interrupted: dropping schemas');
    void closeAll().finally(() => process.exit(130));
  });

  const backends = () => benchBackends(url).catch(() => new Set<number>());
  const driver = await startDriver({ placement, transport, phones, book, backends });
  try {
    if (wanted.includes('baseline')) targets.push(await startBaseline({ databaseUrl: url, poolSize }));
    if (wanted.includes('verity-pg')) targets.push(await startVerity({ driver: 'pg', databaseUrl: url, book, phones, keys: spread ? 64 : 1 }));
    if (wanted.includes('verity-pglite')) targets.push(await startVerity({ driver: 'pglite', databaseUrl: url, book, phones, keys: spread ? 64 : 1 }));

    console.log(`Verity OTP benchmark — ${new Date().toISOString().slice(0, 10)}`);
    console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${os.platform()} ${os.release()}`);
    console.log(`${await serverInfo(url)}, pool ${poolSize} per server`);
    console.log(`client: ${transport} keep-alive in ${placement === 'worker' ? 'a worker thread' : 'the server thread'}; ` +
      `${warmupSeconds} s warm-up + ${seconds} s measured per row; one flow = 2 HTTP requests\n`);

    // OTP flows take phone numbers in turn, so each flow of the run sends to a number of its own
    // (until 60,000 flows: then they wrap). The baseline only stores numbers as values.
    let cursor = 0;
    const run = async (target: Target, spec: LoadSpec): Promise<Measured> => {
      const kind = target.name === 'baseline' ? 'pair' : 'otp';
      const result = await driver.run({ kind, url: target.url, apiKeys: target.apiKeys, spread, spec, firstPhone: cursor });
      if (kind === 'otp') cursor = (cursor + result.issued) % phones.length;
      if (result.errors > 0) log(`  ${target.name}: ${result.errors} failed flows, first: ${result.firstError}`);
      return result;
    };
    const samples = new Map<string, Row[]>();
    for (let round = 1; round <= repeat; round += 1) {
      for (const concurrency of levels) {
        for (const target of targets) {
          const spec = { mode: 'timed' as const, concurrency, warmupMs: warmupSeconds * 1000, durationMs: seconds * 1000 };
          const measured = await run(target, spec);
          const key = `${target.name}@${concurrency}`;
          samples.set(key, [...(samples.get(key) ?? []), { target: target.name, concurrency, measured }]);
          const rate = (measured.flows / measured.seconds).toFixed(0);
          log(`  round ${round}: ${target.name.padEnd(14)} c=${String(concurrency).padEnd(3)} ${rate} flows/s`);
        }
      }
    }
    // With BENCH_REPEAT > 1, each row is the repeat with the median throughput.
    const rows: Row[] = [...samples.values()].map((rs) => {
      const sorted = [...rs].sort((a, b) => a.measured.flows - b.measured.flows);
      return sorted[Math.floor((sorted.length - 1) / 2)]!;
    });

    // Rows sort by concurrency, then in target order, whatever the round order was.
    rows.sort((a, b) => a.concurrency - b.concurrency);
    console.log(table(rows, 'baseline'));
    console.log('\nbaseline: a flow is one pair (insert request + update request).');
    console.log(`CPU ms per flow: server = the servers' thread${placement === 'inline' ? ' (and the inline client)' : ''}, ` +
      'process = + client and helper threads, pg = the bench\'s PostgreSQL backends + background processes.');
    console.log(`others: share of all ${os.cpus().length} cores that other processes used during the row (noise).`);
    console.log('×flows/s, ×p99, ×cpu (process + pg per flow): Verity ÷ baseline at the same concurrency ' +
      '(PGlite rows too: against the PostgreSQL baseline). ×cpu barely moves with background load.\n');

    console.log(`Statements per flow (${countFlows} flows at concurrency 1; count × mean round trip):`);
    for (const target of targets) {
      target.statements.reset();
      const counted = await run(target, { mode: 'counted', concurrency: 1, flows: countFlows });
      const flows = counted.flows;
      console.log(`  ${target.name}: ${(target.statements.count() / flows).toFixed(2)} statements/flow`);
      for (const line of target.statements.breakdown(flows)) console.log(`      ${line}`);
    }

    const base = rows.find((r) => r.target === 'baseline' && r.concurrency === 16);
    const otp = rows.find((r) => r.target === 'verity-pg' && r.concurrency === 16);
    if (base && otp) console.log(`\n${targetsCheck(otp.measured, base.measured).text}`);
  } finally {
    await driver.close();
    await closeAll();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
