// Owns password hashing: argon2id (OWASP floor: 19 MiB, 2 passes, 1 lane) in PHC strings, verification
// of those and of imported legacy digests, and the rule for when a stored hash must be upgraded.
//
// Argon2 runs on a small worker_threads pool (password-worker.mjs, synchronous argon2 there), not on
// the event loop and not on libuv's shared thread pool (which @node-rs/argon2's async API would use,
// where 20–40 ms hashes would starve DNS, fs and crypto work of other requests). The pool is bounded:
// at most `threads` hashes run (each holds memoryCost KiB) and at most `maxQueue` wait; past that a
// call fails at once with PasswordPoolBusyError, so a burst costs neither unbounded memory nor
// unbounded latency. Callers answer it with 503 + Retry-After.
//
// Stored encodings: `$argon2id$…` / `$argon2i$…` / `$argon2d$…` (PHC, parameters included) and, for
// imported legacy digests, `$sha1$<hex>`, `$sha256$<hex>`, `$md5$<hex>`. Everything that is not
// argon2id at the current parameters needs a rehash after its next successful verification.
import crypto from 'node:crypto';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { parseOptions } from '@node-rs/argon2';

/** Argon2id parameters for new hashes. `algorithm: 2` is Algorithm.Argon2id (a const enum). */
export const ARGON2ID = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The pool is full: `threads` hashes running and `maxQueue` waiting. */
export class PasswordPoolBusyError extends Error {
  constructor() {
    super('Password hashing is overloaded; try again shortly');
    this.name = 'PasswordPoolBusyError';
  }
}

type Job = { op: 'hash'; plain: string; options: typeof ARGON2ID } | { op: 'verify'; encoded: string; plain: string };

export interface PasswordPool {
  readonly threads: number;
  readonly maxQueue: number;
  /** Jobs waiting for a thread (running ones excluded). */
  readonly queued: number;
  run<T>(job: Job): Promise<T>;
  close(): Promise<void>;
}

interface Pending {
  job: Job;
  resolve: (value: never) => void;
  reject: (error: Error) => void;
}

const WORKER_URL = new URL('./password-worker.mjs', import.meta.url);

export function createPasswordPool(options: { threads?: number; maxQueue?: number } = {}): PasswordPool {
  const threads = Math.max(1, options.threads ?? Math.min(os.availableParallelism(), 8));
  const maxQueue = Math.max(0, options.maxQueue ?? threads * 32);
  const idle: Worker[] = [];
  const running = new Map<Worker, Pending>();
  const live = new Set<Worker>();
  const queue: Pending[] = [];
  let closed = false;

  const drop = (worker: Worker, error: Error) => {
    if (!live.delete(worker)) return;
    const index = idle.indexOf(worker);
    if (index >= 0) idle.splice(index, 1);
    running.get(worker)?.reject(error);
    running.delete(worker);
    pump();
  };
  const spawn = () => {
    const worker = new Worker(WORKER_URL);
    live.add(worker);
    worker.on('message', (message: { value?: unknown; error?: string }) => {
      const pending = running.get(worker);
      running.delete(worker);
      // An idle worker must not keep the process alive; a busy one must (a CLI awaiting a hash).
      worker.unref();
      idle.push(worker);
      if (message.error !== undefined) pending?.reject(new Error(message.error));
      else pending?.resolve(message.value as never);
      pump();
    });
    worker.on('error', (error) => drop(worker, error));
    worker.on('exit', () => drop(worker, new Error('password worker exited')));
    return worker;
  };
  function pump() {
    while (queue.length > 0 && !closed) {
      const worker = idle.pop() ?? (live.size < threads ? spawn() : undefined);
      if (!worker) return;
      const pending = queue.shift()!;
      running.set(worker, pending);
      worker.ref();
      worker.postMessage(pending.job);
    }
  }

  return {
    threads,
    maxQueue,
    get queued() {
      return queue.length;
    },
    run<T>(job: Job) {
      if (closed) return Promise.reject(new Error('password pool is closed'));
      const free = idle.length > 0 || live.size < threads;
      if (!free && queue.length >= maxQueue) return Promise.reject(new PasswordPoolBusyError());
      return new Promise<T>((resolve, reject) => {
        queue.push({ job, resolve: resolve as (value: never) => void, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const pending of queue.splice(0)) pending.reject(new Error('password pool is closed'));
      await Promise.all([...live].map((worker) => worker.terminate()));
    },
  };
}

let shared: PasswordPool | null = null;
/** The process-wide pool, started on first use. */
export function defaultPasswordPool(): PasswordPool {
  shared ??= createPasswordPool();
  return shared;
}

/**
 * The form a password is checked and hashed in: Unicode NFC (NIST SP 800-63B §5.1.1.2), so the same
 * password typed on two keyboards — a precomposed "é" or "e" + combining accent — is one password.
 */
export const normalizePassword = (plain: string): string => plain.normalize('NFC');

/** Hashes a new password (in NFC) as argon2id with the current parameters. Throws PasswordPoolBusyError. */
export function hashPassword(plain: string, pool = defaultPasswordPool()): Promise<string> {
  return pool.run<string>({ op: 'hash', plain: normalizePassword(plain), options: ARGON2ID });
}

const LEGACY_DIGESTS = { sha1: 40, sha256: 64, md5: 32 } as const;
type LegacyDigest = keyof typeof LEGACY_DIGESTS;

/**
 * Which form of `plain` the stored encoding was made from: `normalized` (NFC, every hash made now),
 * `raw` (as typed: a hash made before passwords were normalised, or imported from a system that did
 * not normalise — callers rehash it), or null for a mismatch. Throws PasswordPoolBusyError.
 */
export async function matchPassword(encoded: string, plain: string, pool = defaultPasswordPool()): Promise<'normalized' | 'raw' | null> {
  const normalized = normalizePassword(plain);
  if (await verifyEncoded(encoded, normalized, pool)) return 'normalized';
  if (normalized !== plain && (await verifyEncoded(encoded, plain, pool))) return 'raw';
  return null;
}

/** Whether `plain` (in either form, see matchPassword) is the stored password. Throws PasswordPoolBusyError. */
export async function verifyPassword(encoded: string, plain: string, pool = defaultPasswordPool()): Promise<boolean> {
  return (await matchPassword(encoded, plain, pool)) !== null;
}

/**
 * Checks `plain` against a stored encoding; false for a mismatch or an unreadable encoding.
 * Argon2 goes through the pool (throws PasswordPoolBusyError); hex digests compare in constant time.
 */
async function verifyEncoded(encoded: string, plain: string, pool: PasswordPool): Promise<boolean> {
  if (/^\$argon2(id|i|d)\$/.test(encoded)) {
    try {
      return await pool.run<boolean>({ op: 'verify', encoded, plain });
    } catch (error) {
      if (error instanceof PasswordPoolBusyError) throw error;
      return false;
    }
  }
  const legacy = /^\$(sha1|sha256|md5)\$([0-9a-f]+)$/.exec(encoded);
  if (!legacy) return false;
  const expected = Buffer.from(legacy[2]!, 'hex');
  const actual = crypto.createHash(legacy[1]!).update(plain, 'utf8').digest();
  return expected.length === actual.length && crypto.timingSafeEqual(expected, actual);
}

/** True when the encoding is not argon2id at (or above) the current parameters. */
export function needsRehash(encoded: string): boolean {
  if (!encoded.startsWith('$argon2id$')) return true;
  try {
    const p = parseOptions(encoded);
    return (
      p.algorithm !== ARGON2ID.algorithm ||
      p.memoryCost < ARGON2ID.memoryCost ||
      p.timeCost < ARGON2ID.timeCost ||
      p.parallelism < ARGON2ID.parallelism ||
      p.outputLen < 32 ||
      p.saltLen < 16
    );
  } catch {
    return true;
  }
}

let dummyHash: Promise<string> | null = null;
/**
 * Costs what verifying a real argon2id hash costs and always fails: call it when there is no user or
 * no password, so the answer's timing does not tell whether one exists.
 */
export async function dummyVerify(pool = defaultPasswordPool(), plain = ''): Promise<false> {
  dummyHash ??= hashPassword(crypto.randomBytes(16).toString('hex'), pool).catch((error: unknown) => {
    dummyHash = null;
    throw error;
  });
  const hash = await dummyHash;
  // As many verifies as a wrong `plain` costs against a real hash (two when NFC changes it).
  const rounds = normalizePassword(plain) === plain ? 1 : 2;
  for (let round = 0; round < rounds; round += 1) await verifyEncoded(hash, crypto.randomBytes(16).toString('hex'), pool);
  return false;
}

export const LEGACY_ALGORITHMS = ['Argon2i', 'Argon2id', 'Argon2d', 'SHA1', 'SHA256', 'MD5', 'Bcrypt'] as const;
export type LegacyAlgorithm = (typeof LEGACY_ALGORITHMS)[number];

/**
 * The stored encoding of an imported digest, or null when it cannot be accepted: a digest that does
 * not match its algorithm's format, or Bcrypt (no bcrypt implementation is installed).
 */
export function encodeImportedDigest(algorithm: LegacyAlgorithm, digest: string): string | null {
  switch (algorithm) {
    case 'Argon2i':
    case 'Argon2id':
    case 'Argon2d': {
      if (!digest.startsWith(`$${algorithm.toLowerCase()}$`)) return null;
      try {
        parseOptions(digest);
        return digest;
      } catch {
        return null;
      }
    }
    case 'SHA1':
    case 'SHA256':
    case 'MD5': {
      const name = algorithm.toLowerCase() as LegacyDigest;
      const hex = digest.trim().toLowerCase();
      return new RegExp(`^[0-9a-f]{${LEGACY_DIGESTS[name]}}$`).test(hex) ? `$${name}$${hex}` : null;
    }
    case 'Bcrypt':
      return null;
  }
}
