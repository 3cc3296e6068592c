// Owns the Experience suite's password baseline: the argon2id verifications this machine does per
// second through Verity's own pool (src/crypto/passwords.ts: the process-wide defaultPasswordPool,
// verifyPassword, the stored PHC string every bench user has), behind a bare Fastify 5 route so the
// same client, driver and CPU accounting measure it. POST /verify checks the password and answers
// {"ok": true}; no database, validation, hooks or logging. It also finds the pool's threads, so the
// suite can say how much of a flow's CPU argon2 took.
import fs from 'node:fs';
import Fastify from 'fastify';
import { defaultPasswordPool, hashPassword, verifyPassword } from '../src/crypto/passwords.ts';
import { statementLog } from './counting-db.ts';
import { statCpu } from './cpu.ts';
import type { CallSpec } from './flows.ts';
import { building, listenLocal } from './lifecycle.ts';
import type { Target } from './target.ts';

const threadIds = (): Set<string> => {
  try {
    return new Set(fs.readdirSync('/proc/self/task'));
  } catch {
    return new Set();
  }
};

export interface PasswordPoolProbe {
  /** The argon2id PHC string of the bench password (every bench user stores it). */
  hash: string;
  /** How many threads the pool runs. */
  threads: number;
  /** CPU ms the pool's threads have used so far (NaN without /proc). */
  cpuMs(): number;
}

/**
 * Hashes `password` and verifies it on every pool thread at once, so the pool has started all its
 * threads; the threads that appeared meanwhile are the pool's. Call before anything else hashes.
 */
export async function probePasswordPool(password: string): Promise<PasswordPoolProbe> {
  const before = threadIds();
  const pool = defaultPasswordPool();
  const hash = await hashPassword(password, pool);
  await Promise.all(Array.from({ length: pool.threads }, () => verifyPassword(hash, password, pool)));
  const ours = [...threadIds()].filter((tid) => !before.has(tid));
  return {
    hash,
    threads: pool.threads,
    cpuMs: () => (ours.length === 0 ? NaN : ours.reduce((sum, tid) => sum + (statCpu(`/proc/self/task/${tid}/stat`)?.ms ?? NaN), 0)),
  };
}

export function startArgon2Baseline(probe: PasswordPoolProbe, password: string): Promise<Target & { call: CallSpec }> {
  return building(async (down) => {
    const app = Fastify();
    down.add(() => app.close());
    app.post<{ Body: { password?: string } }>('/verify', async (request, reply) =>
      (await verifyPassword(probe.hash, request.body.password ?? '')) ? { ok: true } : reply.code(401).send({ ok: false }),
    );
    const call: CallSpec = {
      method: 'POST',
      path: '/verify',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ password }),
      status: 200,
      field: 'ok',
    };
    return { name: 'argon2', url: await listenLocal(app), call, statements: statementLog(), close: () => down.run() };
  });
}
