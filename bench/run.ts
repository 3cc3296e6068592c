// npm run bench: Verity against baselines measured in the same run, in three suites: the OTP flow
// (otp-suite.ts), the OIDC client-credentials grant plus a Management API read (oidc-suite.ts), and
// a whole Experience API sign-in by password or emailed code (experience-suite.ts); a fourth, growth
// (growth-suite.ts), runs the flows on an empty and a seeded large schema. Settings (environment,
// defaults in brackets):
//   BENCH_SUITE [all], otp, oidc, experience or growth (all includes growth only with BENCH_GROWTH=1:
//   its full-size seed takes minutes),
//   BENCH_GROWTH_SCALE [1]: the growth seed's size (1 = 1 M users, 2 M codes, 2 M audit rows),
//   BENCH_SECONDS [5], BENCH_WARMUP_SECONDS [1], BENCH_CONCURRENCY [1,16,64],
//   BENCH_TARGETS [baseline,verity-pg,baseline-pglite,verity-pglite] (the OTP suite runs all four, the
//   Experience suite all but baseline-pglite, the OIDC suite the PostgreSQL two, growth verity-pg),
//   BENCH_SCENARIOS [grant,read]: the OIDC suite's scenarios,
//   BENCH_USERS [1024]: the Experience and growth suites' users (flows take them in turn),
//   BENCH_COUNT_FLOWS [200], BENCH_REPEAT [1] rounds, each row keeping its median-throughput round,
//   BENCH_CLIENT [worker] or inline, BENCH_HTTP [http] or fetch (see driver.ts, client.ts),
//   BENCH_SPREAD [0] or 1: OTP diagnostic, one API key and one source address per flow slot (flows.ts),
//   BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL; DATABASE_POOL_SIZE [10].
import os from 'node:os';
import { codeBook, phoneNumbers } from './codebook.ts';
import { BENCH_APP_NAME } from './cpu.ts';
import { startDriver } from './driver.ts';
import { defaultPasswordPool, hashPassword } from '../src/crypto/passwords.ts';
import { experienceSuite, PASSWORD } from './experience-suite.ts';
import { growthSuite } from './growth-suite.ts';
import { oidcSuite } from './oidc-suite.ts';
import { otpSuite } from './otp-suite.ts';
import { benchBackends, databaseUrl, serverInfo } from './schema.ts';
import type { Settings, SuiteContext } from './suite.ts';
import type { Target } from './target.ts';
import { benchConfig } from './verity.ts';

const env = process.env;
const settings: Settings = {
  seconds: Number(env.BENCH_SECONDS ?? 5),
  warmupSeconds: Number(env.BENCH_WARMUP_SECONDS ?? 1),
  levels: (env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number),
  repeat: Number(env.BENCH_REPEAT ?? 1),
  countFlows: Number(env.BENCH_COUNT_FLOWS ?? 200),
  wanted: (env.BENCH_TARGETS ?? 'baseline,verity-pg,baseline-pglite,verity-pglite').split(','),
  scenarios: (env.BENCH_SCENARIOS ?? 'grant,read').split(','),
};
const suite = env.BENCH_SUITE ?? 'all';
const spread = env.BENCH_SPREAD === '1';
const placement = env.BENCH_CLIENT === 'inline' ? 'inline' : 'worker';
const transport = env.BENCH_HTTP === 'fetch' ? 'fetch' : 'http';
const PHONES = 60_000;
const USERS = Number(env.BENCH_USERS ?? 1024);
const SUITES = ['otp', 'oidc', 'experience', 'growth'];
const GROWTH_IN_ALL = env.BENCH_GROWTH === '1';
const GROWTH_SCALE = Number(env.BENCH_GROWTH_SCALE ?? 1);
const log = (line: string) => process.stderr.write(`${line}\n`);
let interrupted = false;

async function main(): Promise<void> {
  if (suite !== 'all' && !SUITES.includes(suite)) throw new Error(`BENCH_SUITE must be all, ${SUITES.join(', ')}, not ${suite}`);
  if (!(GROWTH_SCALE > 0)) throw new Error(`BENCH_GROWTH_SCALE must be a positive number, not ${env.BENCH_GROWTH_SCALE}`);
  const runs = (name: string) => suite === name || (suite === 'all' && (name !== 'growth' || GROWTH_IN_ALL));
  const names = SUITES.filter(runs);
  // Every pool opened from here on (Verity's too) tags its backends, so cpu.ts can find them.
  process.env.PGAPPNAME = BENCH_APP_NAME;
  const url = databaseUrl();
  const poolSize = benchConfig().DATABASE_POOL_SIZE;
  // Only the OTP and growth suites send to phone numbers (validating 60,000 of them takes a few seconds).
  const phones = runs('otp') || runs('growth') ? phoneNumbers(PHONES) : [];
  // One code slot per phone number (OTP) or per user (Experience: the slot of an email is its user's number).
  const book = codeBook(Math.max(1, phones.length, runs('experience') || runs('growth') ? USERS : 0));
  const targets: Target[] = [];
  const closeAll = async () => {
    for (const t of targets.splice(0)) await t.close().catch((e: unknown) => log(`closing ${t.name}: ${String(e)}`));
  };
  const interruptSteps = new Set<() => Promise<void>>();
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: dropping schemas');
    const steps = [...interruptSteps].map((step) => step().catch((e: unknown) => log(`interrupted: ${String(e)}`)));
    void Promise.all(steps)
      .then(closeAll)
      .finally(() => process.exit(130));
  });

  const backends = () => benchBackends(url).catch(() => new Set<number>());
  const driver = await startDriver({ placement, transport, phones, book, backends });
  const ctx: SuiteContext = {
    settings,
    driver,
    databaseUrl: url,
    poolSize,
    log,
    async open(name, start) {
      if (!settings.wanted.includes(name)) return null;
      const target = await start();
      targets.push(target);
      return target;
    },
    onInterrupt(step) {
      interruptSteps.add(step);
      return () => interruptSteps.delete(step);
    },
  };
  try {
    console.log(`Verity benchmark (${names.join(', ')}) — ${new Date().toISOString().slice(0, 10)}`);
    console.log(`Node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? '?'}, ${os.platform()} ${os.release()}`);
    console.log(`${await serverInfo(url)}, pool ${poolSize} per server`);
    console.log(`client: ${transport} keep-alive in ${placement === 'worker' ? 'a worker thread' : 'the server thread'}; ` +
      `${settings.warmupSeconds} s warm-up + ${settings.seconds} s measured per row\n`);
    // Each suite's servers run only during that suite.
    const suites: [string, () => Promise<void>][] = [
      ['otp', () => otpSuite(ctx, { phones, book, spread, inline: placement === 'inline' })],
      ['oidc', () => oidcSuite(ctx)],
      ['experience', () => experienceSuite(ctx, { book, users: USERS })],
      ['growth', async () => {
        const passwordHash = await hashPassword(PASSWORD, defaultPasswordPool());
        await growthSuite(ctx, { book, phones, users: USERS, scale: GROWTH_SCALE, password: PASSWORD, passwordHash });
      }],
    ];
    let first = true;
    for (const [name, run] of suites.filter(([name]) => runs(name))) {
      if (!first) console.log('');
      first = false;
      ctx.log(`${name} suite`);
      await run();
      await closeAll();
    }
  } finally {
    await driver.close();
    await closeAll();
  }
}

main().catch((error: unknown) => {
  // After Ctrl-C, what broke is what the interrupt cancelled (a seed statement, a closed server).
  if (interrupted) return;
  console.error(error);
  process.exitCode = 1;
});
