// Several server processes on one PostgreSQL database (VERITY_TEST_DRIVER=pg): they start together
// with migrations applied once, share OTPs (created by one, verified by the other), and share the
// per-recipient send limit. On PGlite, where one process owns the store, the same bookkeeping is
// checked across restarts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite } from '../../src/storage/db.ts';
import { createScratchDatabase, onPostgres, withPgClient } from '../helpers/db.ts';
import {
  NO_RATE_LIMITS,
  REPO_ROOT,
  getOtp,
  phoneNumber,
  postOtp,
  readOutbox,
  spawnServer,
  startServer,
  stopAllServers,
  tempDir,
  verifyOtp,
  waitReady,
  type ServerProcess,
} from '../helpers/server-process.ts';

const API_KEY = `vk_process_${crypto.randomBytes(12).toString('hex')}`;
const SECRET = 'process-test-secret-0123456789-abcdefghijklmnop';
// Provisioned through the environment, so no process writes a credentials file or makes its own.
const PROVISIONED_ADMIN = {
  VERITY_ADMIN_CLIENT_ID: `admin${crypto.randomBytes(8).toString('hex')}`,
  VERITY_ADMIN_CLIENT_SECRET: crypto.randomBytes(24).toString('base64url'),
};
const RECIPIENT_LIMIT = 3;

const migrationFiles = fs
  .readdirSync(path.join(REPO_ROOT, 'src/storage/migrations'))
  .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).length;

afterAll(stopAllServers);

/** The code in the latest outbox message to `to` in one process's data directory. */
function codeSentTo(dataDir: string, to: string): string {
  const message = readOutbox(dataDir)
    .filter((m) => m.to === to)
    .pop();
  if (!message) throw new Error(`no message to ${to} in ${dataDir}`);
  return message.code;
}

describe('one embedded store across restarts (PGlite)', () => {
  it('applies each migration once, provisions the key once, and serves the OTP API', { timeout: 60_000 }, async () => {
    const dataDir = tempDir();
    const env = { ...NO_RATE_LIMITS, ...PROVISIONED_ADMIN, VERITY_OTP_API_KEY: API_KEY, VERITY_SECRET: SECRET };
    let server = await startServer({ dataDir, env });
    const phone = phoneNumber();
    const created = await postOtp(server.url, API_KEY, phone);
    expect(created.status).toBe(201);
    // No credentials file when the key is provisioned through the environment.
    expect(fs.existsSync(path.join(dataDir, 'credentials.json'))).toBe(false);
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    server = await startServer({ dataDir, env });
    const verified = await verifyOtp(server.url, API_KEY, created.body.otpId as string, codeSentTo(dataDir, phone));
    expect(verified).toEqual({ status: 200, body: { status: 'VERIFIED' } });
    expect(await server.kill('SIGTERM')).toEqual({ code: 0, signal: null });

    const db = await openPglite(path.join(dataDir, 'pgdata'));
    try {
      expect(await db.query('SELECT count(*)::int AS n FROM schema_migrations')).toEqual([{ n: migrationFiles }]);
      expect(await db.query('SELECT count(*)::int AS n FROM api_keys')).toEqual([{ n: 1 }]);
    } finally {
      await db.close();
    }
  });
});

describe.skipIf(!onPostgres)('two processes on one PostgreSQL database', () => {
  let scratch: Awaited<ReturnType<typeof createScratchDatabase>> | undefined;
  let databaseUrl = '';
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    scratch = await createScratchDatabase('verity_p');
    databaseUrl = scratch.url;
  });

  afterAll(async () => {
    await stopAllServers();
    await scratch?.drop();
  });

  it('both start at the same moment on a fresh database; migrations and bootstrap happen once', { timeout: 60_000 }, async () => {
    const env = {
      ...NO_RATE_LIMITS,
      VERITY_RATE_RECIPIENT_LIMIT: String(RECIPIENT_LIMIT),
      DATABASE_URL: databaseUrl,
      VERITY_OTP_API_KEY: API_KEY,
      ...PROVISIONED_ADMIN,
      // Shared: codes are keyed HMACs, so every process must hold the same secret to check them.
      VERITY_SECRET: SECRET,
    };
    [a, b] = await Promise.all([spawnServer({ env }), spawnServer({ env })]);
    await Promise.all([waitReady(a), waitReady(b)]);

    await withPgClient(async (c) => {
      expect((await c.query('SELECT count(*)::int AS n FROM schema_migrations')).rows).toEqual([{ n: migrationFiles }]);
      // the default application, the provisioned Management API application and (development) the demo's client
      expect((await c.query('SELECT id FROM applications ORDER BY id')).rows.map((r) => r.id)).toEqual(
        [PROVISIONED_ADMIN.VERITY_ADMIN_CLIENT_ID, 'default', 'demo'].sort(),
      );
      expect((await c.query(`SELECT count(*)::int AS n FROM oidc_keys WHERE retired_at IS NULL`)).rows).toEqual([{ n: 2 }]);
      expect((await c.query('SELECT count(*)::int AS n FROM api_keys')).rows).toEqual([{ n: 1 }]);
    }, databaseUrl);
  });

  it('an OTP sent through one process is readable and verifiable through the other', async () => {
    const phone = phoneNumber();
    const created = await postOtp(a.url, API_KEY, phone);
    expect(created.status).toBe(201);
    const otpId = created.body.otpId as string;

    const seen = await getOtp(b.url, API_KEY, otpId);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({ otpId, phoneNumber: phone, status: 'PENDING' });

    // Only the sending process delivered it.
    expect(readOutbox(b.dataDir).filter((m) => m.to === phone)).toEqual([]);
    expect(await verifyOtp(b.url, API_KEY, otpId, codeSentTo(a.dataDir, phone))).toEqual({ status: 200, body: { status: 'VERIFIED' } });
    expect((await getOtp(a.url, API_KEY, otpId)).body.status).toBe('VERIFIED');
  });

  it('the per-recipient send limit holds across both processes', async () => {
    const phone = phoneNumber();
    const sends = await Promise.all(Array.from({ length: 2 * RECIPIENT_LIMIT }, (_, i) => postOtp(i % 2 ? b.url : a.url, API_KEY, phone)));
    const statuses = sends.map((s) => s.status).sort();
    expect(statuses).toEqual([...Array<number>(RECIPIENT_LIMIT).fill(201), ...Array<number>(RECIPIENT_LIMIT).fill(429)]);
    const delivered = [...readOutbox(a.dataDir), ...readOutbox(b.dataDir)].filter((m) => m.to === phone);
    expect(delivered).toHaveLength(RECIPIENT_LIMIT);

    expect(await a.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await b.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  });
});
