// The embedded store serves one process: a second server on the same data directory exits non-zero
// naming the directory in use while the first keeps serving; a lock left by a dead process does not
// block a start.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  NO_RATE_LIMITS,
  getOtp,
  phoneNumber,
  postOtp,
  readApiKey,
  spawnServer,
  startServer,
  stopAllServers,
  tempDir,
} from '../helpers/server-process.ts';

afterAll(stopAllServers);

const env = NO_RATE_LIMITS;
const lockFile = (dataDir: string) => path.join(dataDir, 'verity.lock');
/** The lock's content for a process of this host: its pid and the host name. */
const lockOf = (pid: number | undefined) => `${pid}\n${os.hostname()}\n`;

/** A pid that belonged to a process which has exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', '']);
  expect(result.pid).toBeGreaterThan(0);
  return result.pid!;
}

describe('data directory lock', () => {
  it('refuses a second server on the same data directory while the first keeps serving', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    const first = await startServer({ dataDir, env });
    const apiKey = readApiKey(dataDir);
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(lockOf(first.child.pid));

    const second = await spawnServer({ dataDir, env });
    const refused = await second.exited;
    expect(refused.code).not.toBe(0);
    expect(refused.code).not.toBeNull();
    // The development logger writes the fatal line to stdout; a plain-console failure goes to stderr.
    const output = `${second.stderr}\n${second.stdout}`;
    expect(output).toContain(`The data directory ${dataDir} is in use by process ${first.child.pid}`);
    expect(output).toMatch(/VERITY_DATA_DIR/);
    // It never listened, and it did not take the lock or touch the first one's state.
    await expect(fetch(`${second.url}/api/status`)).rejects.toThrow();
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(lockOf(first.child.pid));
    expect(readApiKey(dataDir)).toBe(apiKey);

    const status = await fetch(`${first.url}/api/status`);
    expect(status.status).toBe(204);
    const created = await postOtp(first.url, apiKey, phoneNumber());
    expect(created.status).toBe(201);

    expect(await first.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(lockFile(dataDir))).toBe(false);

    const third = await startServer({ dataDir, env });
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(lockOf(third.child.pid));
    expect((await getOtp(third.url, apiKey, created.body.otpId as string)).status).toBe(200);
    expect(await third.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it.each([
    ['a dead process', () => String(deadPid())],
    ['a dead process of this host', () => lockOf(deadPid())],
    ['nobody (empty file, a crash between create and write)', () => ''],
  ])('starts over a stale lock left by %s', { timeout: 60_000 }, async (_name, content) => {
    const dataDir = tempDir();
    fs.writeFileSync(lockFile(dataDir), content(), { mode: 0o600 });

    const server = await startServer({ dataDir, env });
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(lockOf(server.child.pid));
    expect((await postOtp(server.url, readApiKey(dataDir), phoneNumber())).status).toBe(201);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('verity.lock'))).toEqual([]);
  });

  it('refuses a lock held on another host (a second container on the same volume, also pid 1), naming it', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const foreign = `1\nother-container-${process.pid}\n`;
    fs.writeFileSync(lockFile(dataDir), foreign, { mode: 0o600 });
    const server = await spawnServer({ dataDir, env });
    const refused = await server.exited;
    expect(refused.code).not.toBe(0);
    expect(`${server.stderr}\n${server.stdout}`).toContain(`locked by process 1 on host other-container-${process.pid}`);
    expect(fs.readFileSync(lockFile(dataDir), 'utf8')).toBe(foreign);
  });
});
