// GET /api/health/ready: 200 once the database answers, its migrations are current and the server
// secret reproduces its recorded check value; 503 naming the failing checks otherwise. No auth.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { checkSecrets } from '../../src/domain/secrets/keys.ts';
import { readinessFailures } from '../../src/domain/secrets/status.ts';
import type { Db } from '../../src/storage/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

/** A probe a second after the last one (the answer is shared for a second). */
const ready = async () => {
  t.clock.advance(1000);
  const res = await fetch(`${t.url}/api/health/ready`);
  return { status: res.status, body: await res.json() };
};

describe('GET /api/health/ready', () => {
  it('is 503 naming the secret until the database has recorded the current secret, then 200', async () => {
    // startTestApp recorded it, as a server's start does; forget it to see the state before
    await t.db.query('DELETE FROM secret_keys');
    expect(await ready()).toEqual({
      status: 503,
      body: { status: 'not_ready', failing: ['secret'], checks: { database: 'ok', migrations: 'ok', secret: 'failing' } },
    });
    await checkSecrets(t.db, t.keyring, { acceptNew: false });
    expect(await ready()).toEqual({ status: 200, body: { status: 'ready', checks: { database: 'ok', migrations: 'ok', secret: 'ok' } } });
  });

  it('is 503 naming the migrations when one is not applied', async () => {
    const [last] = await t.db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1');
    await t.db.query('DELETE FROM schema_migrations WHERE version = $1', [last!.version]);
    try {
      expect(await ready()).toMatchObject({ status: 503, body: { failing: ['migrations'] } });
    } finally {
      await t.db.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [last!.version, last!.name]);
    }
    expect((await ready()).status).toBe(200);
  });

  it('shares one answer for a second: a probe within it reads nothing', async () => {
    expect((await ready()).status).toBe(200);
    await t.db.query('DELETE FROM secret_keys');
    try {
      expect((await fetch(`${t.url}/api/health/ready`)).status).toBe(200); // same second: the shared answer
      expect((await ready()).status).toBe(503); // a second later: read again
    } finally {
      await checkSecrets(t.db, t.keyring, { acceptNew: false });
    }
    expect((await ready()).status).toBe(200);
  });

  it('names the secret when this process holds a different secret for the same database', async () => {
    expect(await readinessFailures(t.db, createKeyring(['some-other-secret-0123456789-abcdefghijklmn']))).toEqual(['secret']);
  });

  it('names every check when the database does not answer', async () => {
    const down = { query: () => Promise.reject(new Error('connection refused')) } as unknown as Db;
    expect(await readinessFailures(down, t.keyring)).toEqual(['database', 'migrations', 'secret']);
  });

  it('is documented in /api/swagger.json with both responses', async () => {
    const doc = await (await fetch(`${t.url}/api/swagger.json`)).json();
    expect(Object.keys(doc.paths['/api/health/ready'].get.responses).sort()).toEqual(['200', '503']);
  });
});
