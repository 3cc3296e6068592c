// Configuration at the process boundary: a bad environment stops the start with exit code 1 and one
// message naming every bad variable, before anything is written or any port is opened.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer, startServer, stopAllServers, tempDir, type ServerProcess } from '../helpers/server-process.ts';

const SECRET = 'process-test-secret-0123456789-abcdefghijklmnop';

afterAll(stopAllServers);

/** Starts with `env` (the data directory does not exist yet) and expects a refusal. */
async function refused(env: Record<string, string | undefined>): Promise<{ server: ServerProcess; dataDir: string }> {
  const dataDir = path.join(tempDir(), 'data');
  const server = await spawnServer({ dataDir, env });
  const exit = await server.exited;
  expect(exit, `${server.stdout}${server.stderr}`).toEqual({ code: 1, signal: null });
  expect(server.stderr).toContain('Invalid configuration');
  // Refused before doing anything: no data directory, no secret, no listener.
  expect(fs.existsSync(dataDir)).toBe(false);
  await expect(fetch(`${server.url}/api/status`)).rejects.toThrow();
  return { server, dataDir };
}

/** The variable names the message lists, one `  - NAME: reason` line each. */
const named = (stderr: string) => [...stderr.matchAll(/^\s+- ([A-Z_/]+):/gm)].map((m) => m[1]);

describe('configuration errors stop the process', () => {
  it('production mode without VERITY_SECRET is refused', { timeout: 30_000 }, async () => {
    const { server } = await refused({ VERITY_MODE: 'production', VERITY_SMS_CONNECTOR: 'none' });
    expect(named(server.stderr)).toEqual(['VERITY_SECRET']);
    expect(server.stderr).toMatch(/VERITY_SECRET: required in production mode/);
  });

  it('NODE_ENV=production means production mode: no secret, no start', { timeout: 30_000 }, async () => {
    const { server } = await refused({ NODE_ENV: 'production' });
    expect(named(server.stderr)).toContain('VERITY_SECRET');
  });

  it('names every bad variable at once: a bad PORT and a missing production secret', { timeout: 30_000 }, async () => {
    const { server } = await refused({ PORT: 'abc', VERITY_MODE: 'production' });
    expect(named(server.stderr)).toEqual(expect.arrayContaining(['PORT', 'VERITY_SECRET']));
  });

  it('names every bad variable at once: malformed values of several kinds', { timeout: 30_000 }, async () => {
    const { server } = await refused({
      PORT: '70000',
      LOG_LEVEL: 'loud',
      DATABASE_URL: 'mysql://localhost/verity',
      VERITY_SECRET: 'too-short',
      VERITY_RATE_RECIPIENT_LIMIT: '0',
    });
    expect(named(server.stderr).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'VERITY_RATE_RECIPIENT_LIMIT', 'VERITY_SECRET']);
    // The message is for people: no stack trace.
    expect(server.stderr).not.toMatch(/\n\s+at /);
  });

  it('names every missing companion setting: Twilio credentials, SMTP URL, outbox in production', { timeout: 30_000 }, async () => {
    const connectors = await refused({ VERITY_SMS_CONNECTOR: 'twilio', VERITY_EMAIL_CONNECTOR: 'smtp' });
    expect(named(connectors.server.stderr).sort()).toEqual([
      'VERITY_SMTP_URL',
      'VERITY_TWILIO_ACCOUNT_SID',
      'VERITY_TWILIO_AUTH_TOKEN',
      'VERITY_TWILIO_FROM',
    ]);
    const outbox = await refused({ VERITY_MODE: 'production', VERITY_SECRET: SECRET, VERITY_SMS_CONNECTOR: 'outbox' });
    expect(named(outbox.server.stderr)).toEqual(['VERITY_SMS_CONNECTOR/VERITY_EMAIL_CONNECTOR']);
  });
});

describe('the egress policy at start', () => {
  it('a bad VERITY_EGRESS_ALLOW entry is a configuration error', { timeout: 30_000 }, async () => {
    const { server } = await refused({ VERITY_EGRESS_ALLOW: '10.0.0.0/8, 10.0.0.0/99' });
    expect(named(server.stderr)).toEqual(['VERITY_EGRESS_ALLOW']);
    expect(server.stderr).toContain('"10.0.0.0/99" is not a CIDR range');
  });

  it('a connector URL at a refused address stops the start, naming the variable and VERITY_EGRESS_ALLOW', { timeout: 30_000 }, async () => {
    const dataDir = path.join(tempDir(), 'data');
    const server = await spawnServer({
      dataDir,
      env: {
        VERITY_MODE: 'production',
        VERITY_SECRET: SECRET,
        VERITY_SMS_CONNECTOR: 'webhook',
        VERITY_SMS_WEBHOOK_URL: 'http://169.254.169.254/latest/meta-data',
        VERITY_EMAIL_CONNECTOR: 'none',
        VERITY_EGRESS_ALLOW: undefined,
      },
    });
    const exit = await server.exited;
    expect(exit, `${server.stdout}${server.stderr}`).toEqual({ code: 1, signal: null });
    expect(server.stderr).toContain('VERITY_SMS_WEBHOOK_URL: address not allowed (link-local); to allow it, list it in VERITY_EGRESS_ALLOW');
    expect(server.stderr).not.toContain('meta-data');
    // Refused before the store was opened or a port listened.
    expect(fs.existsSync(dataDir)).toBe(false);
    await expect(fetch(`${server.url}/api/status`)).rejects.toThrow();
  });
});

describe('a valid production configuration', () => {
  it('starts, writes no development files, and stops cleanly', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const server = await startServer({
      dataDir,
      env: { VERITY_MODE: 'production', VERITY_SECRET: SECRET, VERITY_SMS_CONNECTOR: 'none', VERITY_EMAIL_CONNECTOR: 'none' },
    });
    // No generated secret or key file in production, and no OTP API key unless one is provisioned.
    expect(fs.existsSync(path.join(dataDir, 'secret.key'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'credentials.json'))).toBe(false);
    const response = await fetch(`${server.url}/otp`, {
      method: 'POST',
      headers: { 'x-api-key': 'vk_not-a-key-0123456789', 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: '+12125550123' }),
    });
    expect(response.status).toBe(401);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
