// Backup and restore of the embedded store: a restored backup verifies an OTP sent before it and a
// user's password; restore refuses an existing database without --force and keeps it aside with it;
// the development secret travels with the backup; the key check covers every sealed column; a restore
// whose migration fails puts the old database back; writeFileAtomic never replaces a file. The round trips run on PGlite only: PostgreSQL is
// backed up with pg_dump (docs/backup.md), which Verity does not wrap; its refusals run on both passes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { createApplication } from '../../src/domain/apps/index.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { loadSecrets } from '../../src/crypto/secret-file.ts';
import { createUser } from '../../src/domain/users/create.ts';
import { verifyUserPassword } from '../../src/domain/users/password.ts';
import { BackupError, backupEmbedded, restoreEmbedded, writeFileAtomic, type BackupConfig } from '../../src/storage/backup.ts';
import { openStore } from '../../src/storage/open.ts';
import { call, startTestApp, TEST_SECRET } from '../helpers/app.ts';
import { testClock } from '../helpers/clock.ts';
import { onPostgres } from '../helpers/db.ts';
import { phone } from '../helpers/phones.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-backup-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let dirs = 0;
const configIn = (overrides: Partial<BackupConfig> = {}) => ({
  DATABASE_URL: undefined as string | undefined,
  DATABASE_POOL_SIZE: 1,
  dataDir: path.join(root, `data-${(dirs += 1)}`),
  VERITY_SECRET: TEST_SECRET,
  VERITY_PREVIOUS_SECRETS: [],
  ...overrides,
}) satisfies BackupConfig & { DATABASE_POOL_SIZE: number };
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

describe.skipIf(onPostgres)('backup and restore of the embedded store', () => {
  it('a restored backup verifies an OTP sent before it and the password of a user made before it', async () => {
    const source = configIn();
    const store = await openStore(source);
    const t = await startTestApp({ db: store.db });
    const to = phone();
    const sent = await call(t, 'POST', '/otp', { phoneNumber: to });
    expect(sent.status).toBe(201);
    const pin = t.sms.lastCode(to);
    const user = await createUser({ db: store.db, clock: t.clock }, { username: 'restored_user', password: 'correct horse battery' });
    await t.close();
    await store.close();

    const file = path.join(root, 'one.tar.gz');
    const report = await backupEmbedded(source, file);
    expect(report).toMatchObject({ file, secretFile: undefined });
    expect(modeOf(file)).toBe(0o600);
    await expect(backupEmbedded(source, file)).rejects.toThrow(/exists/);

    const target = configIn();
    const restored = await restoreEmbedded(target, file);
    expect(restored).toMatchObject({ movedAside: [], migrated: [], missingKeyIds: [] });
    expect(restored.applications).toBeGreaterThan(0);
    expect(restored.users).toBe(1);

    const again = await openStore(target);
    const t2 = await startTestApp({ db: again.db });
    try {
      const verified = await call({ url: t2.url, apiKey: t.apiKey }, 'POST', `/otp/${sent.body.otpId}`, { pin });
      expect(verified.status).toBe(200);
      const deps = { db: again.db, clock: testClock() };
      await expect(verifyUserPassword(deps, user.id, 'correct horse battery')).resolves.toBeUndefined();
      await expect(verifyUserPassword(deps, user.id, 'wrong horse')).rejects.toThrow();
    } finally {
      await t2.close();
      await again.close();
    }

    // The target now holds a database: refused without --force, moved aside (not deleted) with it.
    await expect(restoreEmbedded(target, file)).rejects.toThrow(/already holds a database.*--force/);
    const forced = await restoreEmbedded(target, file, { force: true });
    expect(forced.movedAside).toHaveLength(1);
    expect(forced.movedAside[0]).toMatch(/pgdata\.before-restore-/);
    expect(fs.existsSync(path.join(forced.movedAside[0]!, 'PG_VERSION'))).toBe(true);
    expect(forced.users).toBe(1);

    // A dump that cannot be loaded leaves the directory as it was.
    const corrupt = path.join(root, 'corrupt.tar.gz');
    fs.writeFileSync(corrupt, zlib.gzipSync(Buffer.from('not a tarball of a data directory')));
    await expect(restoreEmbedded(target, corrupt, { force: true })).rejects.toThrow(/Could not load/);
    expect(fs.readdirSync(target.dataDir).filter((name) => name.startsWith('pgdata'))).toHaveLength(2);
    const kept = await openStore(target);
    expect(await kept.db.query('SELECT id FROM users')).toHaveLength(1);
    await kept.close();
  }, 120_000);

  it('a development secret.key is copied beside the backup and put back by restore', async () => {
    const source = configIn({ VERITY_SECRET: undefined });
    const keyring = createKeyring(loadSecrets({ ...source, mode: 'development' }).secrets); // generates secret.key
    const store = await openStore(source);
    await createApplication({ db: store.db, clock: testClock(), keyring }, { name: 'sealed', otpSettings: {} });
    await store.close();

    const file = path.join(root, 'dev.tar.gz');
    const report = await backupEmbedded(source, file);
    expect(report.secretFile).toBe(`${file}.secret.key`);
    expect(modeOf(report.secretFile!)).toBe(0o600);

    const target = configIn({ VERITY_SECRET: undefined });
    const restored = await restoreEmbedded(target, file);
    expect(restored.secretFile).toBe(path.join(target.dataDir, 'secret.key'));
    expect(fs.readFileSync(restored.secretFile!, 'utf8')).toBe(fs.readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8'));
    expect(restored.missingKeyIds).toEqual([]);

    // Another data directory with a secret of its own: refused unless --force, which keeps it aside.
    const other = configIn({ VERITY_SECRET: undefined });
    fs.mkdirSync(other.dataDir, { recursive: true });
    fs.writeFileSync(path.join(other.dataDir, 'secret.key'), 'another-development-secret-0123456789');
    await expect(restoreEmbedded(other, file)).rejects.toThrow(/another secret/);
    const forced = await restoreEmbedded(other, file, { force: true });
    expect(forced.movedAside).toEqual([expect.stringMatching(/secret\.key\.before-restore-/)]);
  }, 60_000);

  it('says when the configured secret cannot open the backup', async () => {
    const file = path.join(root, 'dev.tar.gz'); // made by the test above, under a generated secret
    const restored = await restoreEmbedded(configIn({ VERITY_SECRET: 'a-different-secret-0123456789-abcdefghijkl' }), file);
    expect(restored.missingKeyIds).toHaveLength(1);
  });

  it('names a key any sealed column needs, and puts the old database back when the migration fails', async () => {
    const source = configIn();
    const store = await openStore(source);
    await createUser({ db: store.db, clock: testClock() }, { username: 'kept_user', password: 'correct horse battery' });
    // Only a connector (not a callback secret) is sealed with a key the configured secret lacks.
    await store.db.query(`INSERT INTO connectors (id, connector_id, type, config, created_at) VALUES ('c1', 'x', 'Email', 'k0ther.sealed', now())`);
    await store.close();
    const good = path.join(root, 'good.tar.gz');
    await backupEmbedded(source, good);
    const target = configIn();
    expect((await restoreEmbedded(target, good)).missingKeyIds).toEqual(['k0ther']);

    // A backup whose schema the newest migration cannot be applied to (its table exists, unrecorded).
    const broken = await openStore(source);
    await broken.db.query('DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)');
    await broken.db.query('DELETE FROM users');
    await broken.close();
    const unmigratable = path.join(root, 'unmigratable.tar.gz');
    await backupEmbedded(source, unmigratable);
    await expect(restoreEmbedded(target, unmigratable, { force: true })).rejects.toThrow(/Could not migrate.*as it was/);
    expect(fs.readdirSync(target.dataDir).filter((name) => name.startsWith('pgdata'))).toEqual(['pgdata']);
    const kept = await openStore(target);
    expect(await kept.db.query('SELECT username FROM users')).toEqual([{ username: 'kept_user' }]);
    await kept.close();
  }, 120_000);
});

describe('writeFileAtomic', () => {
  it('creates missing directories 0700, the file 0600, and never replaces a file that exists', () => {
    const dir = path.join(root, 'atomic', 'deeper');
    const file = path.join(dir, 'backup.tar.gz');
    writeFileAtomic(file, Buffer.from('first'));
    expect(modeOf(path.join(root, 'atomic'))).toBe(0o700);
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(file)).toBe(0o600);
    expect(() => writeFileAtomic(file, Buffer.from('second'))).toThrow(/exists/);
    expect(fs.readFileSync(file, 'utf8')).toBe('first');
    expect(fs.readdirSync(dir)).toEqual(['backup.tar.gz']); // no temp file left behind
  });
});

// Driver-independent: the refusals need no database.
describe('what backup and restore refuse', () => {
  it('refuses PostgreSQL, a missing or foreign file and an empty data directory, with what to do', async () => {
    const pg = configIn({ DATABASE_URL: 'postgres://verity@db/verity' });
    await expect(backupEmbedded(pg, path.join(root, 'x'))).rejects.toThrow(/pg_dump --format=custom/);
    await expect(restoreEmbedded(pg, path.join(root, 'x'))).rejects.toThrow(/pg_restore/);
    await expect(restoreEmbedded(configIn(), path.join(root, 'missing.tar.gz'))).rejects.toThrow(/no backup file/);
    const foreign = path.join(root, 'foreign.tar.gz');
    fs.writeFileSync(foreign, 'not a dump');
    await expect(restoreEmbedded(configIn(), foreign)).rejects.toThrow(BackupError);
    await expect(backupEmbedded(configIn(), path.join(root, 'empty.tar.gz'))).rejects.toThrow(/no database/);
  });
});
