// The operator CLI sets an application's default otpCallbackUrl; the egress policy holds there as it does
// for a caller's otpCallbackUrl: a refused address is refused with a message naming VERITY_EGRESS_ALLOW,
// and the allow-list opens it. Run as a real process on the embedded store.
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, stopAllServers, tempDir } from '../helpers/server-process.ts';

afterAll(stopAllServers);

const INHERITED_OUT = /^(VERITY_|DATABASE_|NODE_ENV$|NODE_OPTIONS$)/;

function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_OUT.test(key)));
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli/index.js', ...args], { cwd: REPO_ROOT, env: { ...base, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('apps create / apps settings with an otpCallbackUrl', () => {
  it('refuses a refused address and accepts it once the allow-list opens it', { timeout: 60_000 }, async () => {
    const env = { VERITY_MODE: 'production', VERITY_SECRET: 'cli-egress-secret-0123456789-abcdefghijklmnop', VERITY_DATA_DIR: tempDir() };
    const refused = await cli(['apps', 'create', 'hooks', JSON.stringify({ otpCallbackUrl: 'http://10.1.2.3/hook' })], env);
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('otpCallbackUrl: address not allowed (private); to allow it, list it in VERITY_EGRESS_ALLOW');

    const opened = { ...env, VERITY_EGRESS_ALLOW: '10.1.0.0/16' };
    const created = await cli(['apps', 'create', 'hooks', JSON.stringify({ otpCallbackUrl: 'http://10.1.2.3/hook' }), '--json'], opened);
    expect(created.code, created.stderr).toBe(0);
    const app = JSON.parse(created.stdout) as { id: string; otpSettings: { otpCallbackUrl: string } };
    expect(app.otpSettings.otpCallbackUrl).toBe('http://10.1.2.3/hook');

    const moved = await cli(['apps', 'settings', app.id, JSON.stringify({ otpCallbackUrl: 'http://[::ffff:169.254.169.254]/x' })], opened);
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('otpCallbackUrl: address not allowed (link-local)');
  });
});
