// Owns the Verity OTP target: the bench's Verity app (verity.ts) whose SMS connector is a no-op
// sender that records each code in the shared code book, and one application with one API key
// (BENCH_SPREAD: 64) that makes every request.
import type { Sender } from '../src/connectors/types.ts';
import { fixedSenders } from '../src/domain/connectors/senders.ts';
import { systemClock } from '../src/domain/clock.ts';
import { createApiKey, createApplication } from '../src/domain/apps/index.ts';
import type { CodeBook } from './codebook.ts';
import { building } from './lifecycle.ts';
import type { Target } from './target.ts';
import { startVerityApp } from './verity.ts';

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

export function startVerity(options: {
  driver: 'pg' | 'pglite';
  databaseUrl: string;
  book: CodeBook;
  phones: readonly string[];
  /** API keys to issue (BENCH_SPREAD uses one per address). */
  keys?: number;
}): Promise<Target> {
  return building(async (down) => {
    const slotOf = new Map(options.phones.map((phone, slot) => [phone, slot]));
    const senders = fixedSenders({ sms: noopSender(options.book, slotOf) });
    const verity = await startVerityApp({ driver: options.driver, databaseUrl: options.databaseUrl, purpose: 'otp', senders }, down);
    const deps = { db: verity.db, clock: systemClock, keyring: verity.keyring };
    const { app: application } = await createApplication(deps, { name: 'bench' });
    const keys: string[] = [];
    for (let i = 0; i < (options.keys ?? 1); i += 1) keys.push((await createApiKey(deps, application.id, `bench ${i}`)).key);
    return { name: `verity-${options.driver}`, url: verity.url, apiKeys: keys, statements: verity.statements, close: () => down.run() };
  });
}
