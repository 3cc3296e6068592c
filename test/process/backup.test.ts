// Backups of the real server (`node dist/main.js`, embedded store, development mode): `backup` while it
// runs makes the server write the dump (SIGUSR2) and it keeps answering meanwhile; the backup restored
// into a new data directory starts a server that verifies the OTP sent before it, with the development
// secret carried beside the backup; two backups at once each get a dump of their own. A process that
// holds the directory but takes no backup requests is never signalled, nor one whose pid a stale
// marker names (another start time, another owner). The commands run in-process (run() with a real
// CLI context).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliCommand } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands/backup.ts';
import { createCliContext } from '../../src/cli/context.ts';
import { processStartTime, serverToSignal } from '../../src/storage/backup-signal.ts';
import { onPostgres } from '../helpers/db.ts';
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
  verifyOtp,
} from '../helpers/server-process.ts';

afterAll(stopAllServers);

const command = (name: string): CliCommand => commands.find((c) => c.name === name)!;
const run = async (name: string, args: string[], dataDir: string) => {
  const context = createCliContext({ VERITY_DATA_DIR: dataDir });
  try {
    return await command(name).run(args, context);
  } finally {
    await context.close();
  }
};

describe.skipIf(onPostgres)('backup of a running embedded server', () => {
  it('the running server writes the backup, keeps serving, and the restored copy verifies the OTP', async () => {
    const server = await startServer({ env: NO_RATE_LIMITS });
    const apiKey = readApiKey(server.dataDir);
    const to = phoneNumber();
    const sent = await postOtp(server.url, apiKey, to);
    expect(sent.status).toBe(201);
    const pin = readOutbox(server.dataDir).find((m) => m.to === to)!.code;

    const file = path.join(tempDir('verity-backups-'), 'running.tar.gz');
    const backup = run('backup', [file], server.dataDir);
    // Requests go on while the dump is made: they wait for it at most, never fail.
    let done = false;
    const statuses: number[] = [];
    const traffic = (async () => {
      while (!done) {
        statuses.push((await getOtp(server.url, apiKey, sent.body.otpId)).status);
      }
    })();
    const output = await backup.finally(() => (done = true));
    await traffic;
    expect(output).toContain('made by the running server');
    expect(output).toContain(`${file}.secret.key`);
    expect(new Set(statuses)).toEqual(new Set([200]));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.join(server.dataDir, 'backups'))).toEqual([]); // moved to the file asked for
    expect((await getOtp(server.url, apiKey, sent.body.otpId)).status).toBe(200);

    // Two at once: each gets its own dump (the second request during the first dump queues another).
    const [a, b] = ['a.tar.gz', 'b.tar.gz'].map((name) => path.join(path.dirname(file), name));
    const both = await Promise.all([run('backup', [a!], server.dataDir), run('backup', [b!], server.dataDir)]);
    for (const out of both) expect(out).toContain('made by the running server');
    for (const made of [a!, b!]) expect(fs.existsSync(`${made}.secret.key`)).toBe(true);
    expect(fs.statSync(a!).ino).not.toBe(fs.statSync(b!).ino);
    expect(fs.readdirSync(path.join(server.dataDir, 'backups'))).toEqual([]);

    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(fs.existsSync(path.join(server.dataDir, 'backup-signal.pid'))).toBe(false);

    // Stopped, the command opens the store itself.
    const stoppedFile = path.join(path.dirname(file), 'stopped.tar.gz');
    expect(await run('backup', [stoppedFile], server.dataDir)).toContain('server stopped');

    const restoredDir = tempDir();
    const restored = await run('restore', [file], restoredDir);
    expect(restored).toContain('The configured secret opens its sealed data');
    const second = await startServer({ dataDir: restoredDir, env: NO_RATE_LIMITS });
    expect((await verifyOtp(second.url, apiKey, sent.body.otpId, pin)).status).toBe(200);
    await expect(run('restore', [stoppedFile], restoredDir)).rejects.toThrow(/in use by process .*Stop the server before restoring/s);
    await second.kill('SIGTERM');
  }, 120_000);

  it('never signals a process that holds the directory but takes no backup requests', async () => {
    const dataDir = tempDir();
    const holder = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dataDir, 'verity.lock'), String(holder.pid));
      await expect(run('backup', [path.join(dataDir, 'x.tar.gz')], dataDir)).rejects.toThrow(/does not take backup requests/);
      expect(holder.exitCode).toBeNull();
      expect(holder.signalCode).toBeNull();
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it.skipIf(!fs.existsSync('/proc/self/stat'))('never signals a live pid whose start time is not the one in the marker', async () => {
    const dataDir = tempDir();
    const reused = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    try {
      const start = processStartTime(reused.pid!);
      expect(start).toMatch(/^[0-9]+$/);
      fs.writeFileSync(path.join(dataDir, 'verity.lock'), String(reused.pid));
      fs.writeFileSync(path.join(dataDir, 'backup-signal.pid'), `${reused.pid}\n${Number(start) - 1}\n`);
      await expect(run('backup', [path.join(dataDir, 'x.tar.gz')], dataDir)).rejects.toThrow(/start time .*not signalled/s);
      // A marker from before start times were recorded (pid only) is not trusted either.
      fs.writeFileSync(path.join(dataDir, 'backup-signal.pid'), String(reused.pid));
      await expect(run('backup', [path.join(dataDir, 'x.tar.gz')], dataDir)).rejects.toThrow(/not signalled/);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(reused.exitCode).toBeNull();
      expect(reused.signalCode).toBeNull();
      // The same marker with the right start time names it.
      fs.writeFileSync(path.join(dataDir, 'backup-signal.pid'), `${reused.pid}\n${start}\n`);
      expect(serverToSignal(dataDir)).toBe(reused.pid);
    } finally {
      reused.kill('SIGKILL');
    }
  });

  it("trusts only a marker of the CLI's own user, and without /proc says that is all it checks", () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'verity.lock'), String(process.pid));
    fs.writeFileSync(path.join(dataDir, 'backup-signal.pid'), `${process.pid}\n\n`);
    const uid = fs.statSync(path.join(dataDir, 'backup-signal.pid')).uid;
    expect(() => serverToSignal(dataDir, { euid: uid + 1, startTime: processStartTime })).toThrow(/belongs to uid .*nothing was signalled/s);
    expect(() => serverToSignal(dataDir, { euid: uid + 1 })).toThrow(/belongs to uid/);
    expect(serverToSignal(dataDir, { euid: uid })).toBe(process.pid); // no /proc: the owner check only
    expect(() => serverToSignal(dataDir, {})).toThrow(/Without \/proc .*nothing was signalled/s);
  });

  it('usage mistakes are CliUsageErrors', async () => {
    const dataDir = tempDir();
    await expect(run('backup', [], dataDir)).rejects.toMatchObject({ name: 'CliUsageError' });
    await expect(run('restore', ['a', 'b'], dataDir)).rejects.toMatchObject({ name: 'CliUsageError' });
  });
});
