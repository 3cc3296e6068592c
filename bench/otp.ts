// Owns the Verity target: the real app from buildApp, assembled like test/helpers/app.ts, on a fresh
// PostgreSQL schema or an in-memory PGlite, migrated, listening on 127.0.0.1. Rate limits are raised
// out of the way, the SMS sender is a no-op that records each code in the shared code book, and one
// application with one API key makes every request.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/index.ts';
import type { Sender } from '../src/connectors/types.ts';
import { createKeyring } from '../src/crypto/keyring.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createApiKey, createApplication } from '../src/domain/apps/index.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { openPg, openPglite, type Db } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import type { CodeBook } from './codebook.ts';
import { countingDb, statementLog } from './counting-db.ts';
import { createSchema, dropSchema } from './schema.ts';
import type { Target } from './target.ts';

const HUGE = '10000000';

/** The config every Verity target runs with; DATABASE_POOL_SIZE passes through from the environment. */
export function benchConfig() {
  return loadConfig({
    VERITY_MODE: 'production',
    VERITY_SECRET: crypto.randomBytes(32).toString('base64url'),
    VERITY_DATA_DIR: path.join(os.tmpdir(), 'verity-bench-unused'),
    VERITY_SMS_CONNECTOR: 'none',
    VERITY_EMAIL_CONNECTOR: 'none',
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE,
    VERITY_RATE_KEY_LIMIT: HUGE,
    VERITY_RATE_RECIPIENT_LIMIT: HUGE,
    VERITY_RATE_IP_LIMIT: HUGE,
    VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '0',
  });
}

/** A sender that delivers nothing and records the code under the recipient's slot in the book. */
function noopSender(book: CodeBook, slotOf: ReadonlyMap<string, number>): Sender {
  return {
    name: 'noop',
    channel: 'sms',
    send: async (message) => {
      const slot = slotOf.get(message.to);
      if (slot === undefined) throw new Error(`unexpected recipient ${message.to}`);
      book.record(slot, message.code);
      return {};
    },
  };
}

export async function startVerity(options: {
  driver: 'pg' | 'pglite';
  databaseUrl: string;
  book: CodeBook;
  phones: readonly string[];
  /** API keys to issue (BENCH_SPREAD uses one per address). */
  keys?: number;
}): Promise<Target> {
  const config = benchConfig();
  const schema = options.driver === 'pg' ? await createSchema(options.databaseUrl, 'otp') : null;
  const cleanup: (() => Promise<unknown>)[] = [];
  if (schema) cleanup.push(() => dropSchema(options.databaseUrl, schema));
  try {
    const raw: Db = schema
      ? openPg({ url: options.databaseUrl, poolSize: config.DATABASE_POOL_SIZE, schema })
      : await openPglite();
    cleanup.unshift(() => raw.close());
    await migrate(raw);
    const log = statementLog();
    const db = countingDb(raw, log);

    const keyring = createKeyring([config.VERITY_SECRET!]);
    const slotOf = new Map(options.phones.map((phone, slot) => [phone, slot]));
    const senders = { sms: noopSender(options.book, slotOf) };
    const app = await buildApp({ config, db, clock: systemClock, keyring, senders, metrics: createMetrics() });
    cleanup.unshift(() => app.close());
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;

    const deps = { db: raw, clock: systemClock, keyring };
    const { app: application } = await createApplication(deps, { name: 'bench' });
    const keys: string[] = [];
    for (let i = 0; i < (options.keys ?? 1); i += 1) keys.push((await createApiKey(deps, application.id, `bench ${i}`)).key);
    return {
      name: `verity-${options.driver}`,
      url: `http://127.0.0.1:${port}`,
      apiKeys: keys,
      statements: log,
      close: () => runAll(cleanup),
    };
  } catch (error) {
    await runAll(cleanup);
    throw error;
  }
}

/** Runs every step in order, even after one fails; rethrows the first failure. */
async function runAll(steps: (() => Promise<unknown>)[]): Promise<void> {
  let first: unknown;
  for (const step of steps) await step().catch((error: unknown) => (first ??= error));
  if (first) throw first;
}
