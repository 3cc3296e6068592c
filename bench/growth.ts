// Owns the growth suite's Verity targets: the bench's Verity app (verity.ts) on a PostgreSQL schema
// of its own, "empty" (migrated only) or "large" (migrated, then seeded by growth-seed.ts), each
// with what the suite's flows need, made the same way on both:
//   - an SMS and an Email connector that deliver nothing and record each code in the shared book
//     (phone numbers: the OTP suite's slots; bench users' emails: their numbers);
//   - one application with one API key (the OTP API flow);
//   - one MachineToMachine client with Management API access, and one access token from its grant
//     (the Management calls and the Management verification-codes flow);
//   - the Experience suite's sign-in experience, SPA and users (experience.ts).
import { sha256Hex } from '../src/crypto/keyring.ts';
import { createApiKey, createApplication } from '../src/domain/apps/index.ts';
import { systemClock } from '../src/domain/clock.ts';
import { fixedSenders } from '../src/domain/connectors/senders.ts';
import type { Db } from '../src/storage/db.ts';
import { upsertAdminClient } from '../src/storage/repos/apps.ts';
import type { CodeBook } from './codebook.ts';
import type { ExperienceSpec } from './experience-flow.ts';
import { codeRecorder, prepareExperience, userSlots } from './experience.ts';
import { SEEDED_APPLICATIONS, seededApplicationId, seedSchema, type SeedCounts } from './growth-seed.ts';
import { building, type Teardown } from './lifecycle.ts';
import { m2mCalls, newM2mClient } from './m2m.ts';
import type { Target } from './target.ts';
import { startVerityApp } from './verity.ts';

export interface GrowthTarget extends Target {
  /** The Experience sign-in's client and users. */
  experience: Omit<ExperienceSpec, 'method'>;
  /** A Management API access token (scope all). */
  token: string;
  /** The M2M client's id: GET /api/applications/{id} reads it. */
  clientId: string;
  /** The unwrapped database, for timing a housekeeping sweep. */
  db: Db;
}

export function startGrowthTarget(options: {
  name: 'empty' | 'large';
  databaseUrl: string;
  book: CodeBook;
  phones: readonly string[];
  users: number;
  password: string;
  passwordHash: string;
  /** The seed for "large"; none for "empty". */
  seed?: SeedCounts;
  log(line: string): void;
  /** SuiteContext.onInterrupt: Ctrl-C during the seed cancels it and drops the schema. */
  onInterrupt(step: () => Promise<void>): () => void;
}): Promise<GrowthTarget> {
  return building(async (down) => {
    let cancelSeed: () => Promise<void> = async () => undefined;
    const release = options.onInterrupt(async () => {
      await cancelSeed();
      await down.run();
    });
    try {
      return await build(down, (cancel) => (cancelSeed = cancel));
    } finally {
      release();
    }
  });

  async function build(down: Teardown, cancellable: (cancel: () => Promise<void>) => void): Promise<GrowthTarget> {
    const record = (slot: number, code: string) => options.book.record(slot, code);
    const phoneSlots = new Map(options.phones.map((phone, slot) => [phone, slot]));
    const senders = fixedSenders({
      sms: codeRecorder('sms', record, phoneSlots),
      email: codeRecorder('email', record, userSlots(options.users)),
    });
    const verity = await startVerityApp({ driver: 'pg', databaseUrl: options.databaseUrl, purpose: `growth_${options.name}`, senders }, down);
    const deps = { db: verity.db, clock: systemClock, keyring: verity.keyring };
    if (options.seed) {
      for (let i = 0; i < SEEDED_APPLICATIONS; i += 1) await createApplication(deps, { name: `seeded ${i}`, id: seededApplicationId(i) });
      const started = performance.now();
      options.log(`  seeding ${verity.schema}:`);
      await seedSchema(options.databaseUrl, verity.schema!, options.seed, options.passwordHash, options.log, cancellable);
      options.log(`  seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const experience = await prepareExperience(verity, { ...options, totpUsers: 0 });
    const { app } = await createApplication(deps, { name: 'bench' });
    const { key } = await createApiKey(deps, app.id, 'bench');
    const client = newM2mClient();
    await upsertAdminClient(verity.db, { id: client.id, name: 'bench client', secretHash: sha256Hex(client.secret), callbackSecret: verity.keyring.encrypt('unused') });
    const token = (await m2mCalls(verity.url, '/oidc/token', client)).read.headers.authorization!.slice('Bearer '.length);
    return {
      name: options.name,
      url: verity.url,
      apiKeys: [key],
      statements: verity.statements,
      experience,
      token,
      clientId: client.id,
      db: verity.db,
      close: () => down.run(),
    };
  }
}
