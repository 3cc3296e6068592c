// passwords.ts: argon2id parameters in the PHC string, the bounded worker pool, legacy digests,
// rehash rules and the dummy verification.
import crypto from 'node:crypto';
import { hashSync } from '@node-rs/argon2';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createPasswordPool,
  dummyVerify,
  encodeImportedDigest,
  hashPassword,
  needsRehash,
  PasswordPoolBusyError,
  verifyPassword,
} from '../../src/crypto/passwords.ts';

const pool = createPasswordPool({ threads: 2, maxQueue: 4 });
afterAll(() => pool.close());

describe('hash and verify', () => {
  it('stores argon2id with the OWASP parameters in the encoded hash', async () => {
    const encoded = await hashPassword('correct horse', pool);
    expect(encoded).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(encoded, 'correct horse', pool)).toBe(true);
    expect(await verifyPassword(encoded, 'correct horsE', pool)).toBe(false);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hashPassword('same', pool), hashPassword('same', pool)]);
    expect(a).not.toBe(b);
  });

  it('an unreadable encoding is a failed verification, not an error', async () => {
    expect(await verifyPassword('$argon2id$garbage', 'x', pool)).toBe(false);
    expect(await verifyPassword('plaintext', 'plaintext', pool)).toBe(false);
  });
});

describe('bounded pool', () => {
  it('rejects at once with PasswordPoolBusyError past threads + maxQueue, and recovers', async () => {
    const small = createPasswordPool({ threads: 1, maxQueue: 2 });
    try {
      const accepted = [small.run({ op: 'verify', encoded: await hashPassword('a', pool), plain: 'a' })];
      accepted.push(hashPassword('b', small), hashPassword('c', small));
      expect(small.queued).toBe(2);
      await expect(hashPassword('d', small)).rejects.toBeInstanceOf(PasswordPoolBusyError);
      await expect(verifyPassword('$argon2id$v=19$m=19456,t=2,p=1$x$y', 'e', small)).rejects.toBeInstanceOf(PasswordPoolBusyError);
      const results = await Promise.all(accepted);
      expect(results[0]).toBe(true);
      expect(small.queued).toBe(0);
      expect(await hashPassword('f', small)).toMatch(/^\$argon2id\$/);
    } finally {
      await small.close();
    }
  });

  it('close rejects waiting jobs', async () => {
    const small = createPasswordPool({ threads: 1, maxQueue: 5 });
    const running = hashPassword('a', small);
    const waiting = expect(hashPassword('b', small)).rejects.toThrow(/closed/);
    await small.close();
    await waiting;
    await running.catch(() => undefined);
  });
});

describe('rehash rules', () => {
  it('weaker argon2id, argon2i/argon2d and legacy digests need a rehash', () => {
    expect(needsRehash(hashSync('x', { algorithm: 2, memoryCost: 8192, timeCost: 2, parallelism: 1 }))).toBe(true);
    expect(needsRehash(hashSync('x', { algorithm: 2, memoryCost: 19456, timeCost: 1, parallelism: 1 }))).toBe(true);
    expect(needsRehash(hashSync('x', { algorithm: 1 }))).toBe(true);
    expect(needsRehash(hashSync('x', { algorithm: 0 }))).toBe(true);
    expect(needsRehash(hashSync('x', { algorithm: 2, memoryCost: 65536, timeCost: 3, parallelism: 1 }))).toBe(false);
    expect(needsRehash('$sha256$00')).toBe(true);
  });
});

describe('imported digests', () => {
  const hex = (alg: string, s: string) => crypto.createHash(alg).update(s).digest('hex');

  it('SHA1, SHA256 and MD5 hex digests verify in constant time (any hex case)', async () => {
    for (const [alg, name] of [['sha1', 'SHA1'], ['sha256', 'SHA256'], ['md5', 'MD5']] as const) {
      const encoded = encodeImportedDigest(name, hex(alg, 'secret').toUpperCase())!;
      expect(encoded).toBe(`$${alg}$${hex(alg, 'secret')}`);
      expect(await verifyPassword(encoded, 'secret', pool)).toBe(true);
      expect(await verifyPassword(encoded, 'Secret', pool)).toBe(false);
    }
  });

  it('Argon2i/Argon2d/Argon2id PHC strings are kept as they are and verify', async () => {
    for (const [algorithm, name] of [[1, 'Argon2i'], [0, 'Argon2d'], [2, 'Argon2id']] as const) {
      const digest = hashSync('imported', { algorithm });
      expect(encodeImportedDigest(name, digest)).toBe(digest);
      expect(await verifyPassword(digest, 'imported', pool)).toBe(true);
    }
  });

  it('rejects malformed digests, mismatched algorithms and Bcrypt', () => {
    expect(encodeImportedDigest('SHA256', 'abc')).toBeNull();
    expect(encodeImportedDigest('MD5', hex('sha1', 'x'))).toBeNull();
    expect(encodeImportedDigest('Argon2i', hashSync('x', { algorithm: 2 }))).toBeNull();
    expect(encodeImportedDigest('Argon2id', '$argon2id$nonsense')).toBeNull();
    expect(encodeImportedDigest('Bcrypt', '$2b$10$abcdefghijklmnopqrstuuJ0D5pYk7K0mFfYqDq3Xx3y8x7d1Zz1e')).toBeNull();
  });
});

describe('dummyVerify', () => {
  it('always fails and costs about what a real verification costs', async () => {
    const real = await hashPassword('pw', pool);
    await dummyVerify(pool); // first call also computes the dummy hash
    const time = async (fn: () => Promise<unknown>) => {
      const start = performance.now();
      for (let i = 0; i < 5; i += 1) await fn();
      return performance.now() - start;
    };
    const dummy = await time(() => dummyVerify(pool));
    const actual = await time(() => verifyPassword(real, 'wrong', pool));
    expect(await dummyVerify(pool)).toBe(false);
    expect(dummy / actual).toBeGreaterThan(0.3);
    expect(dummy / actual).toBeLessThan(3);
  });
});
