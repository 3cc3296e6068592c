// Owns the Verity app every Verity target runs: the real app from buildApp, assembled like
// test/helpers/app.ts, on a fresh PostgreSQL schema or an in-memory PGlite, migrated, with a
// statement-counting Db, listening on 127.0.0.1. Rate limits and the lockout are raised out of the way. What a
// suite adds on top (API keys, a machine-to-machine client) is the suite's own file.
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config/index.ts';
import type { SenderDirectory } from '../src/connectors/types.ts';
import { createKeyring, type Keyring } from '../src/crypto/keyring.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createMetrics } from '../src/observability/metrics.ts';
import { createAddressPolicy } from '../src/net/address-policy.ts';
import { createEgress, type Egress } from '../src/net/egress.ts';
import { openPg, openPglite, type Db } from '../src/storage/db.ts';
import { migrate } from '../src/storage/migrate.ts';
import { countingDb, statementLog, type StatementLog } from './counting-db.ts';
import { listenLocal, type Teardown } from './lifecycle.ts';
import { createSchema, dropSchema } from './schema.ts';

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
    // The lockout counts failed checks only; the bench's flows never fail one, but a broken run
    // should show its own errors, not a wall of blocked identifiers.
    VERITY_LOCKOUT_MAX_FAILURES: '1000',
    // The social flow's identity provider listens on loopback.
    VERITY_EGRESS_ALLOW: '127.0.0.1/32',
  });
}

/** A sender directory that never finds a connector (for targets that send nothing). */
export const noSenders: SenderDirectory = {
  resolve: () => Promise.resolve(undefined),
  invalidate: () => undefined,
  close: () => Promise.resolve(),
};

export interface VerityApp {
  url: string;
  /** The database without the counting proxy, for setting up what the run needs. */
  db: Db;
  keyring: Keyring;
  statements: StatementLog;
  /** The PostgreSQL schema the app runs in (null on PGlite). */
  schema: string | null;
  /** The app's outgoing requests (the social flow's connector is checked against it). */
  egress: Egress;
}

/** Starts the app; `down` receives the steps that stop it and drop its schema. */
export async function startVerityApp(
  options: { driver: 'pg' | 'pglite'; databaseUrl: string; purpose: string; senders: SenderDirectory },
  down: Teardown,
): Promise<VerityApp> {
  const config = benchConfig();
  const schema = options.driver === 'pg' ? await createSchema(options.databaseUrl, options.purpose) : null;
  if (schema) down.add(() => dropSchema(options.databaseUrl, schema));
  const db: Db = schema
    ? openPg({ url: options.databaseUrl, poolSize: config.DATABASE_POOL_SIZE, schema })
    : await openPglite();
  down.add(() => db.close());
  await migrate(db);
  const statements = statementLog();
  const keyring = createKeyring([config.VERITY_SECRET!]);
  const egress = createEgress({ policy: createAddressPolicy({ mode: config.mode, allow: config.VERITY_EGRESS_ALLOW }) });
  down.add(() => egress.close());
  const deps = { config, db: countingDb(db, statements), clock: systemClock, keyring, senders: options.senders, metrics: createMetrics(), egress };
  const app = await buildApp(deps);
  down.add(() => app.close());
  return { url: await listenLocal(app), db, keyring, statements, schema, egress };
}
