// One thread of the password pool (passwords.ts). Hashes and verifies argon2 synchronously, so the
// work runs on this thread and never on libuv's shared pool. Plain JavaScript: it must load in
// every runtime that starts Verity (tsx, vitest, plain node) without a TypeScript loader.
import { parentPort } from 'node:worker_threads';
import { hashSync, verifySync } from '@node-rs/argon2';

parentPort.on('message', (job) => {
  try {
    const value =
      job.op === 'hash' ? hashSync(job.plain, job.options) : verifySync(job.encoded, job.plain);
    parentPort.postMessage({ id: job.id, value });
  } catch (error) {
    // A malformed stored hash is a failed verification, not a crash; the caller decides.
    parentPort.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
