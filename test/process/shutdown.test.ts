// Graceful shutdown of the production command, `node dist/main.js` (server-process.ts spawns exactly
// that, and SIGTERM goes to that pid, as a supervisor or `docker stop` sends it): the server finishes
// what it accepted (201, committed, delivered) and refuses the rest at the connection, never with a
// 5xx; the process exits 0 within 15 s with the data directory's lock released, and the development
// files it leaves are private.
import fs from 'node:fs';
import net from 'node:net';
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
  type ServerProcess,
} from '../helpers/server-process.ts';

const BURST = 20;
const env = NO_RATE_LIMITS;

afterAll(stopAllServers);

const modeOf = (file: string) => fs.statSync(file).mode & 0o777;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const outputOf = (server: ServerProcess) => `--- stdout\n${server.stdout}\n--- stderr\n${server.stderr}`;

/** Resolves once the port refuses connections: the server has stopped accepting. */
async function refusing(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await sleep(20);
  }
  throw new Error(`port ${port} still accepts connections`);
}

/**
 * POST /otp over a raw keep-alive connection whose body arrives in two halves, `between` running in
 * the gap. The client keeps the connection open, as a pooling client or proxy would, until the server
 * closes it; resolves with everything the server sent.
 */
async function slowPost(port: number, apiKey: string, phone: string, between: () => Promise<void>): Promise<string> {
  const body = JSON.stringify({ phoneNumber: phone });
  const head = [
    'POST /otp HTTP/1.1',
    `Host: 127.0.0.1:${port}`,
    `X-API-KEY: ${apiKey}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: keep-alive',
    '',
    '',
  ].join('\r\n');
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(head + body.slice(0, half));
  await between();
  socket.write(body.slice(half));
  await closed;
  return received;
}

describe('shutdown', () => {
  const dataDir = tempDir();
  const accepted = new Map<string, string>(); // otpId → phone number
  let apiKey = '';

  it('SIGTERM during a burst: each send gets 201 or no connection, and the process exits 0 within 15 s', { timeout: 60_000 }, async () => {
    const server = await startServer({ dataDir, env });
    expect(server.child.spawnargs.slice(1), 'the production command').toEqual(['dist/main.js']);
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

    const ok = results.filter((r) => r.status === 201);
    for (const r of ok) accepted.set(r.body.otpId as string, r.phone);
    expect(ok.length).toBeGreaterThan(0);
    const others = results.filter((r) => r.status !== 201 && r.status !== 0);
    expect(others, 'answers other than 201 (a refused or reset connection is fine)').toEqual([]);
    // Exactly the acknowledged sends were delivered: a refused request left nothing half-done.
    expect(readOutbox(dataDir).map((m) => m.to).sort()).toEqual([...accepted.values()].sort());

    expect(stopped, outputOf(server)).toEqual({ code: 0, signal: null });
    expect(tookMs, outputOf(server)).toBeLessThan(15_000);
    expect(fs.existsSync(path.join(dataDir, 'verity.lock'))).toBe(false);
  });

  it('SIGTERM while a request body is still arriving: that request completes with 201, then the process exits 0', { timeout: 60_000 }, async () => {
    const server = await startServer({ dataDir, env });
    const phone = phoneNumber();
    let signalled = 0;
    const response = await slowPost(server.port, apiKey, phone, async () => {
      await sleep(200); // the server has the headers: the request is in flight
      signalled = Date.now();
      void server.kill('SIGTERM');
      await refusing(server.port); // closing has begun
    });
    const stopped = await server.exited;
    const tookMs = Date.now() - signalled;

    expect(response).toMatch(/^HTTP\/1\.1 201 /);
    const otpId = /"otpId":"([0-9a-f-]{36})"/.exec(response)?.[1];
    expect(otpId).toBeDefined();
    accepted.set(otpId!, phone);
    expect(stopped, outputOf(server)).toEqual({ code: 0, signal: null });
    expect(tookMs, outputOf(server)).toBeLessThan(15_000);
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

  it('a restart serves every OTP acknowledged before the shutdowns', { timeout: 60_000 }, async () => {
    expect(accepted.size).toBeGreaterThan(0);
    const server = await startServer({ dataDir, env });
    for (const [otpId, phone] of accepted) {
      const read = await getOtp(server.url, apiKey, otpId);
      expect(read.status).toBe(200);
      expect(read.body.phoneNumber).toBe(phone);
    }
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(dataDir, 'verity.lock'))).toBe(false);
  });
});
