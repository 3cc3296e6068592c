// The memory row's server process (memory.ts forks it): the Experience suite's Verity target
// (experience.ts: the real app from buildApp with the bench's settings, its sign-in experience, SPA
// and users) alone in a process, so its resident set size is Verity's and nothing else's: no load
// client, no baselines, no other suite's servers. Its Email recorder sends each code to the bench
// process and waits for the acknowledgement, so the code is in the bench's code book before the
// server answers. Messages: → {ready, url, experience, rss}; ← {rss} → {rss}; → {code}, ← {ack};
// ← {close}, or SIGINT/SIGTERM, or the bench process gone: the target closes (its schema dropped).
import { defaultPasswordPool, hashPassword } from '../src/crypto/passwords.ts';
import { startVerityExperience, type ExperienceTarget } from './experience.ts';

export interface MemoryServerOptions {
  driver: 'pg' | 'pglite';
  databaseUrl: string;
  users: number;
  password: string;
}

export type ToServer = { type: 'rss' } | { type: 'ack'; id: number } | { type: 'close' };
export type FromServer =
  | { type: 'ready'; url: string; experience: ExperienceTarget['experience']; rss: number }
  | { type: 'rss'; rss: number }
  | { type: 'code'; id: number; slot: number; code: string }
  | { type: 'failed'; message: string };

const send = (message: FromServer) => process.send?.(message);
const options = JSON.parse(process.env.BENCH_MEMORY_SERVER ?? '{}') as MemoryServerOptions;
const acks = new Map<number, () => void>();
let next = 0;
let target: ExperienceTarget | null = null;
let closing: Promise<void> | null = null;

const close = () => {
  closing ??= (async () => {
    await target?.close().catch(() => undefined);
    process.exit(0);
  })();
  return closing;
};
process.on('message', (message: ToServer) => {
  if (message.type === 'rss') send({ type: 'rss', rss: process.memoryUsage().rss });
  else if (message.type === 'ack') acks.get(message.id)?.();
  else void close();
});
process.on('disconnect', () => void close());
process.on('SIGINT', () => void close());
process.on('SIGTERM', () => void close());

try {
  const passwordHash = await hashPassword(options.password, defaultPasswordPool());
  const record = (slot: number, code: string) =>
    new Promise<void>((resolve) => {
      const id = next++;
      acks.set(id, () => {
        acks.delete(id);
        resolve();
      });
      send({ type: 'code', id, slot, code });
    });
  // The memory runs sign in with a password or a code only (as in the Issue 9 figures): no TOTP users.
  target = await startVerityExperience({ ...options, record, passwordHash, totpUsers: 0 });
  send({ type: 'ready', url: target.url, experience: target.experience, rss: process.memoryUsage().rss });
} catch (error) {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  await close();
}
