// Backups of the real server (`node dist/main.js`, embedded store, development mode): `backup` while it
// runs makes the server write the dump (SIGUSR2) and it keeps answering meanwhile; the backup restored
// into a new data directory starts a server that verifies the OTP sent before it, with the development
// secret carried beside the backup. A process that holds the directory but takes no backup requests
// is never signalled. The commands run in-process (run() with a real CLI context).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliCommand } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/commands/backup.ts';
import { createCliContext } from '../../src/cli/context.ts';
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

  it('usage mistakes are CliUsageErrors', async () => {
    const dataDir = tempDir();
    await expect(run('backup', [], dataDir)).rejects.toMatchObject({ name: 'CliUsageError' });
    await expect(run('restore', ['a', 'b'], dataDir)).rejects.toMatchObject({ name: 'CliUsageError' });
  });
});
