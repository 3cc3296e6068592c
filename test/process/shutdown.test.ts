// Graceful shutdown: SIGTERM during a burst of sends finishes what was accepted (201, committed,
// delivered) and refuses the rest at the connection, never with a 5xx; the process exits 0 in time,
// and the development files it leaves are private.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NO_RATE_LIMITS,
  getOtp,
  phoneNumber,
  postOtp,
  readApiKey,
  readOutbox,
  startServer,
  stopAllServers,
  tempDir,
} from '../helpers/server-process.ts';

const BURST = 20;

afterAll(stopAllServers);

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe('shutdown', () => {
  const dataDir = tempDir();
  const env = NO_RATE_LIMITS;
  const accepted = new Map<string, string>(); // otpId → phone number
  let apiKey = '';

  it('SIGTERM during a burst: each send gets 201 or no connection, and the process exits 0 within 15 s', { timeout: 60_000 }, async () => {
    const server = await startServer({ dataDir, env });
    apiKey = readApiKey(dataDir);
    const phones = Array.from({ length: BURST }, () => phoneNumber());
    const sends = phones.map((phone) =>
      postOtp(server.url, apiKey, phone).then(
        (result) => ({ phone, ...result }),
        (error: Error) => ({ phone, status: 0, body: String(error.cause ?? error) }),
      ),
    );
    // Signal as soon as the first answer is back, so the rest are queued in the server or on the wire.
    await Promise.race(sends);
    const signalled = Date.now();
    const exit = server.kill('SIGTERM');
    const results = await Promise.all(sends);
    const stopped = await exit;
    const tookMs = Date.now() - signalled;

    const output = `${server.stdout}${server.stderr}`;
    expect(stopped, output).toEqual({ code: 0, signal: null });
    expect(tookMs, output).toBeLessThan(15_000);
    const others = results.filter((r) => r.status !== 201 && r.status !== 0);
    expect(others, 'a send answered with something other than 201 or a refused connection').toEqual([]);
    const ok = results.filter((r) => r.status === 201);
    expect(ok.length).toBeGreaterThan(0);
    for (const r of ok) accepted.set(r.body.otpId as string, r.phone);

    // Exactly the acknowledged sends were delivered: nothing half-done was left behind.
    const delivered = readOutbox(dataDir).map((m) => m.to);
    expect(delivered.sort()).toEqual([...accepted.values()].sort());
    expect(fs.existsSync(path.join(dataDir, 'verity.lock'))).toBe(false);
  });

  it('leaves credentials, secret and outbox readable by the owner only', () => {
    for (const name of ['credentials.json', 'secret.key', 'outbox.jsonl']) {
      const file = path.join(dataDir, name);
      expect(fs.existsSync(file), `${name} exists`).toBe(true);
      expect(modeOf(file).toString(8), name).toBe('600');
    }
    expect(readApiKey(dataDir)).toBe(apiKey);
  });

  it('a restart serves every OTP acknowledged before the shutdown', { timeout: 60_000 }, async () => {
    expect(accepted.size).toBeGreaterThan(0);
    const server = await startServer({ dataDir, env });
    for (const [otpId, phone] of accepted) {
      const read = await getOtp(server.url, apiKey, otpId);
      expect(read.status).toBe(200);
      expect(read.body.phoneNumber).toBe(phone);
    }
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
