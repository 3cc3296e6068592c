// Crash durability on the embedded store: every OTP the server acknowledged (201) survives kill -9
// in the middle of traffic, three times over, and a clean SIGTERM afterwards loses nothing either.
import { afterAll, describe, expect, it } from 'vitest';
import {
  NO_RATE_LIMITS,
  getOtp,
  phoneNumber,
  postOtp,
  readApiKey,
  startServer,
  stopAllServers,
  tempDir,
  type ServerProcess,
} from '../helpers/server-process.ts';

const CLIENTS = 6;
const CYCLES = 3;

afterAll(stopAllServers);

/** CLIENTS loops posting OTPs until the server stops answering; returns the acknowledged ids. */
function traffic(server: ServerProcess, apiKey: string) {
  const acked: string[] = [];
  const unexpected: { status: number; body: unknown }[] = [];
  const clients = Array.from({ length: CLIENTS }, async () => {
    for (;;) {
      let result;
      try {
        result = await postOtp(server.url, apiKey, phoneNumber());
      } catch {
        return; // the server is gone: connection refused or reset mid-request
      }
      if (result.status === 201) acked.push(result.body.otpId as string);
      else unexpected.push(result);
    }
  });
  return { acked, unexpected, done: Promise.all(clients) };
}

async function expectAllReadable(server: ServerProcess, apiKey: string, ids: readonly string[]) {
  const missing: string[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = ids.slice(i, i + 16);
    const results = await Promise.all(batch.map((id) => getOtp(server.url, apiKey, id)));
    results.forEach((r, j) => {
      if (r.status !== 200 || r.body?.otpId !== batch[j]) missing.push(batch[j]!);
    });
  }
  expect(missing, `${missing.length} of ${ids.length} acknowledged OTPs lost`).toEqual([]);
}

async function until(condition: () => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('crash durability (PGlite data directory)', () => {
  const dataDir = tempDir();
  const env = NO_RATE_LIMITS;
  const everyAcked: string[] = [];
  let apiKey = '';

  it('keeps every acknowledged OTP across three kill -9 in the middle of traffic', { timeout: 120_000 }, async () => {
    let server = await startServer({ dataDir, env });
    apiKey = readApiKey(dataDir);
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      const run = traffic(server, apiKey);
      // Kill once a fair number went through (or after 3 s), with all clients still sending.
      await until(() => run.acked.length >= 40 * cycle, 3000);
      const killed = await server.kill('SIGKILL');
      await run.done;
      expect(killed.signal).toBe('SIGKILL');
      expect(run.unexpected).toEqual([]);
      expect(run.acked.length).toBeGreaterThan(0);
      everyAcked.push(...run.acked);

      server = await startServer({ dataDir, env });
      // The key survived too: the restart did not provision a new one.
      expect(readApiKey(dataDir)).toBe(apiKey);
      await expectAllReadable(server, apiKey, everyAcked);
    }
    expect(new Set(everyAcked).size).toBe(everyAcked.length);

    const stopped = await server.kill('SIGTERM');
    expect(stopped).toEqual({ code: 0, signal: null });
  });

  it('after a clean SIGTERM a restart still sees every acknowledged OTP', { timeout: 60_000 }, async () => {
    expect(everyAcked.length).toBeGreaterThan(0);
    const server = await startServer({ dataDir, env });
    await expectAllReadable(server, apiKey, everyAcked);
    const created = await postOtp(server.url, apiKey, phoneNumber());
    expect(created.status).toBe(201);
    const stopped = await server.kill('SIGTERM');
    expect(stopped).toEqual({ code: 0, signal: null });
  });
});
