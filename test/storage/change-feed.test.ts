// The change feed and the caches it keeps honest, in one process on both stores: a value is served
// from the cache until its table changes; a write through this process is seen by its very next
// read; on PostgreSQL a write by another connection (another process) is seen once its notification
// arrives, and while the listener is down every read goes through and nothing is kept.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { getSignInExperience, updateSignInExperience } from '../../src/domain/sign-in-experience/index.ts';
import { openPg, type Db } from '../../src/storage/db.ts';
import { writtenTables } from '../../src/storage/change-feed.ts';
import { onPostgres, useTestDb, withPgClient } from '../helpers/db.ts';
import { startTcpProxy } from '../helpers/tcp-proxy.ts';

const handle = useTestDb();
const TABLES = ['sign_in_experiences'];

/** Waits until `check()` holds (a notification or a reconnection is on its way). */
async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  for (let i = 0; i < ms / 25; i += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The feed of `db`, started and listening. */
async function listening(db: Db) {
  const feed = db.changes!;
  feed.version(TABLES);
  await until(() => feed.healthy, 'the listener');
  return feed;
}

describe('the change feed', () => {
  it('names the tables a statement writes', () => {
    expect(writtenTables('UPDATE applications SET name = $2 WHERE id = $1')).toEqual(['applications']);
    expect(writtenTables('INSERT INTO api_keys (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id')).toContain('api_keys');
    expect(writtenTables('DELETE FROM ONLY connectors WHERE id = $1')).toEqual(['connectors']);
    expect(writtenTables('SELECT * FROM sign_in_experiences WHERE id = $1 FOR UPDATE')).toEqual([]);
  });

  it('serves the sign-in experience from the cache until a write here, which the next read sees at once', async () => {
    const { db } = handle;
    await listening(db);
    const first = await getSignInExperience(db);
    expect(await getSignInExperience(db)).toBe(first);

    await updateSignInExperience({ db }, { signInMode: 'SignIn' });
    const changed = await getSignInExperience(db);
    expect(changed.signInMode).toBe('SignIn');
    expect(await getSignInExperience(db)).toBe(changed);

    // any statement through this handle, not only the domain's
    await db.query(`UPDATE sign_in_experiences SET sign_in_mode = 'SignInAndRegister'`);
    expect((await getSignInExperience(db)).signInMode).toBe('SignInAndRegister');
  });

  it.skipIf(!onPostgres)('sees a write by another connection once its notification arrives', async () => {
    const { db } = handle;
    const feed = await listening(db);
    const before = await getSignInExperience(db);
    const other = openPg({ url: handle.url!, poolSize: 1, schema: handle.schema });
    try {
      let notified = false;
      const unsubscribe = feed.subscribe((table) => {
        if (table === 'sign_in_experiences') notified = true;
      });
      await other.query(`UPDATE sign_in_experiences SET sign_in_mode = 'Register'`);
      await until(() => notified, 'the notification');
      unsubscribe();
      expect(await getSignInExperience(db)).not.toBe(before);
      expect((await getSignInExperience(db)).signInMode).toBe('Register');
    } finally {
      await other.query(`UPDATE sign_in_experiences SET sign_in_mode = 'SignInAndRegister'`);
      await other.close();
    }
  });

  it.skipIf(!onPostgres)('reads through while its listener is down, and caches again once it is back', async () => {
    const applicationName = `verity-feed-${crypto.randomBytes(4).toString('hex')}`;
    const db = openPg({ url: handle.url!, poolSize: 2, schema: handle.schema, applicationName });
    try {
      const feed = await listening(db);
      const cachedOnce = await getSignInExperience(db);
      expect(await getSignInExperience(db)).toBe(cachedOnce);

      // Each flush is announced as '*': once when the listener drops, once when it is back.
      const versionsAtFlush: (number | null)[] = [];
      feed.subscribe((table) => {
        if (table === '*') versionsAtFlush.push(feed.version(TABLES));
      });
      const killed = await withPgClient(async (c) => {
        const { rows } = await c.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = 'LISTEN verity_changes'`,
          [applicationName],
        );
        expect(rows).toHaveLength(1);
        await c.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
        return rows[0]!.pid;
      });
      await until(() => versionsAtFlush.length > 0, 'the listener to drop');
      // down: no version to trust, so every read goes through and nothing is kept
      expect(versionsAtFlush[0]).toBeNull();
      if (!feed.healthy) {
        const a = await getSignInExperience(db);
        expect(a).not.toBe(cachedOnce);
        expect(await getSignInExperience(db)).not.toBe(a);
      }

      await until(() => feed.healthy && versionsAtFlush.length >= 2, 'the listener to come back');
      const listeners = await withPgClient(
        async (c) =>
          (await c.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = 'LISTEN verity_changes'`, [applicationName]))
            .rows,
      );
      expect(listeners.map((r) => r.pid)).not.toContain(killed);
      // flushed on the way back: nothing read before is served
      const fresh = await getSignInExperience(db);
      expect(fresh).not.toBe(cachedOnce);
      expect(await getSignInExperience(db)).toBe(fresh);
    } finally {
      await db.close();
    }
  });

  it.skipIf(!onPostgres)('stops trusting a listener that no longer hears (a half-open connection) within its heartbeat', async () => {
    const target = new URL(handle.url!);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(handle.url!);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const db = openPg({ url: proxied.toString(), poolSize: 2, schema: handle.schema });
    const other = openPg({ url: handle.url!, poolSize: 1, schema: handle.schema });
    try {
      await listening(db); // the listener is the proxy's first connection
      const before = await getSignInExperience(db);
      expect(await getSignInExperience(db)).toBe(before);
      // its connection stays open but carries nothing: no error, no end, no notification
      proxy.deafen(0);
      await other.query(`UPDATE sign_in_experiences SET sign_in_mode = 'Register'`);
      await until(async () => (await getSignInExperience(db)).signInMode === 'Register', 'the change to be obeyed', 8000);
    } finally {
      await other.query(`UPDATE sign_in_experiences SET sign_in_mode = 'SignInAndRegister'`);
      await other.close();
      await db.close();
      await proxy.close();
    }
  });

  it('closing the handle ends the listener', async () => {
    if (!onPostgres) {
      expect(handle.db.changes).toBeDefined();
      return;
    }
    const applicationName = `verity-close-${crypto.randomBytes(4).toString('hex')}`;
    const db = openPg({ url: handle.url!, poolSize: 1, schema: handle.schema, applicationName });
    await listening(db);
    await db.close();
    expect(db.changes!.healthy).toBe(false);
    const count = () =>
      withPgClient(async (c) => (await c.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [applicationName])).rows.length);
    await until(async () => (await count()) === 0, 'the connections to close');
  });
});
