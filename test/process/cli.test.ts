// The compiled CLI as an operator runs it: help works with the data directory locked by a running
// server, or unreachable, or with a configuration that would not load; an unknown command exits 2; a
// command that needs the locked store fails (exit 1) leaving the server serving; passwords and
// connector configs are read from stdin when it is not a terminal (never from the command line, where
// other local users could read them), and never echoed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startServer, stopAllServers, tempDir } from '../helpers/server-process.ts';

afterAll(stopAllServers);

const INHERITED_OUT = /^(VERITY_|DATABASE_|PORT$|HOST$|NODE_ENV$|NODE_OPTIONS$)/;

function cli(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_OUT.test(key)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/index.js', ...args], { cwd: REPO_ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

describe('verity CLI process', () => {
  it('prints the help without opening a data directory a running server holds', { timeout: 90_000 }, async () => {
    const dataDir = tempDir();
    const server = await startServer({ dataDir });
    const lock = fs.readFileSync(path.join(dataDir, 'verity.lock'), 'utf8');
    const env = { VERITY_DATA_DIR: dataDir };

    for (const args of [['--help'], ['-h'], [], ['users', '--help']]) {
      const help = await cli(args, env);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain('users reset-password');
      expect(help.stdout).toContain('VERITY_DATA_DIR');
    }
    const unknown = await cli(['frobnicate'], env);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command: frobnicate');

    const busy = await cli(['apps', 'list'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(dataDir);
    expect(fs.readFileSync(path.join(dataDir, 'verity.lock'), 'utf8')).toBe(lock);
    expect((await fetch(`${server.url}/api/status`)).status).toBe(204);
  });

  it('prints the help with an unreachable data directory and a configuration that does not load', async () => {
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    const env = { VERITY_DATA_DIR: path.join(file, 'data'), VERITY_MODE: 'production', PORT: 'not-a-port' };
    const help = await cli(['--help'], env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('apps settings <appId> <json | ->');
    expect(await cli(['keys', 'lisst'], env)).toMatchObject({ code: 2 });
    const broken = await cli(['apps', 'list'], env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain('PORT');
  });

  it('reads passwords from stdin, applies the policy and never echoes them', { timeout: 60_000 }, async () => {
    const env = { VERITY_DATA_DIR: tempDir(), VERITY_MODE: 'production', VERITY_SECRET: 'cli-process-secret-0123456789-abcdefghij' };
    const created = await cli(['users', 'create', '--username', 'olga', '--password-stdin'], env, 'Saffron-Harbor-71\n');
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/hasPassword:\s+true/);
    expect(created.stdout + created.stderr).not.toContain('Saffron-Harbor-71');

    const weak = await cli(['users', 'reset-password', 'olga'], env, 'password\n');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password.rejected');
    const reset = await cli(['users', 'reset-password', 'olga'], env, 'Juniper-Comet-36\n');
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toMatch(/^password of \w+ set\n$/);

    const inArgv = await cli(['users', 'reset-password', 'olga', '--password', 'Juniper-Comet-37'], env);
    expect(inArgv.code).toBe(2);
    expect(inArgv.stderr).toContain('--password-stdin');
    expect(inArgv.stdout + inArgv.stderr).not.toContain('Juniper-Comet-37');
  });

  it('reads a connector config from stdin, refuses one in the command line', { timeout: 60_000 }, async () => {
    const env = { VERITY_DATA_DIR: tempDir(), VERITY_MODE: 'development' };
    const inline = await cli(['connectors', 'create', 'verity-outbox-sms', '{"templates":[]}'], env);
    expect(inline.code).toBe(2);
    expect(inline.stderr).toContain('stdin');
    const created = await cli(['connectors', 'create', 'verity-outbox-sms', '-', '--json'], env, '{"templates":[{"usageType":"Generic","content":"{{code}}"}]}');
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout) as { id: string };
    const shown = await cli(['connectors', 'show', id, '--json'], env);
    expect((JSON.parse(shown.stdout) as { config: unknown }).config).toEqual({ templates: [{ usageType: 'Generic', content: '{{code}}' }] });
  });
});
