// Owns backup and restore of the embedded store (PGlite under <data dir>/pgdata). A backup is PGlite's
// own dump: a gzipped tarball of the data directory taken by the instance that owns it, between two
// statements, so it is the image a crash at that moment would leave, which PostgreSQL recovers on
// load. Stopped: `backupEmbedded` takes the directory lock and opens the store itself (without
// migrating, so a backup taken before an upgrade holds the old schema). Running: the server owns the
// store, so it writes the dump when asked by SIGUSR2 (backup-signal.ts). PostgreSQL is backed up with
// pg_dump; both functions refuse DATABASE_URL and say so (docs/backup.md).
// The secret is not in the dump: sealed values and keyed hashes need VERITY_SECRET (and the previous
// secrets) they were made with. A development data directory's generated secret.key is copied next
// to the backup as <file>.secret.key and put back by restore.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../config/index.ts';
import { createKeyring } from '../crypto/keyring.ts';
import { keyIdsInUse } from '../domain/secrets/keys.ts';
import { openPglite } from './db.ts';
import { lockDataDir } from './dir-lock.ts';
import { migrate } from './migrate.ts';

export type BackupConfig = Pick<Config, 'DATABASE_URL' | 'dataDir' | 'VERITY_SECRET' | 'VERITY_PREVIOUS_SECRETS'>;

/** A backup or restore that cannot go ahead; the message says what to do instead. */
export class BackupError extends Error {
  override name = 'BackupError';
}

const PG_BACKUP_HINT =
  'DATABASE_URL is set: back up PostgreSQL with its own tools, which are consistent while Verity runs:\n' +
  '  pg_dump --format=custom --file=verity.dump "$DATABASE_URL"\n' +
  'and restore into an empty database (servers stopped) with:\n' +
  '  pg_restore --no-owner --dbname="$DATABASE_URL" verity.dump\n' +
  'See docs/backup.md.';

export const SECRET_REMINDER =
  'The backup holds sealed secrets and keyed hashes: it is useless without the VERITY_SECRET (and any ' +
  'VERITY_PREVIOUS_SECRETS) it was made with. Keep the secret, apart from the backup.';

const pgdataOf = (dataDir: string): string => path.join(dataDir, 'pgdata');
const secretFileOf = (dataDir: string): string => path.join(dataDir, 'secret.key');
/** Where a development secret.key travels with a backup. */
export const backupSecretFileOf = (file: string): string => `${file}.secret.key`;

const hasDatabase = (pgdata: string): boolean => fs.existsSync(path.join(pgdata, 'PG_VERSION'));

/** fsyncs a directory so a rename or link in it survives a crash; a no-op where that is unsupported. */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open a directory; nothing else to do there
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `bytes` to `file` as 0600 so a reader never sees half and a crash never leaves a torn file: a
 * temp file (fsynced), then a hard link to the final name (fsync of the directory after). The link fails
 * when `file` exists, so a file created meanwhile is never replaced: BackupError. Missing parent
 * directories are created 0700.
 */
export function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', 0o600);
    fs.writeFileSync(fd, bytes);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw new BackupError(`${file} exists; choose a new file name`);
      throw error;
    }
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
  }
  fsyncDir(dir);
}

export interface BackupReport {
  file: string;
  bytes: number;
  /** Set when the development secret.key was copied next to the backup. */
  secretFile?: string;
}

/** Copies a development secret.key next to the backup; production keeps its secret in VERITY_SECRET. */
export function copySecretBeside(dataDir: string, file: string): string | undefined {
  const source = secretFileOf(dataDir);
  if (!fs.existsSync(source)) return undefined;
  const target = backupSecretFileOf(file);
  writeFileAtomic(target, fs.readFileSync(source));
  return target;
}

/** The absolute backup path; BackupError when it (or the secret.key copy it would get) exists. */
export function refuseExisting(config: Pick<BackupConfig, 'dataDir'>, file: string): string {
  const target = path.resolve(file);
  for (const taken of [target, ...(fs.existsSync(secretFileOf(config.dataDir)) ? [backupSecretFileOf(target)] : [])]) {
    if (fs.existsSync(taken)) throw new BackupError(`${taken} exists; choose a new file name`);
  }
  return target;
}

/**
 * Backs up a stopped embedded store into `file` (refused when it exists). Throws BackupError for
 * DATABASE_URL, an existing file or an empty data directory, and DataDirLockedError when a process
 * holds the directory (the CLI then asks a running server instead: backup-signal.ts).
 */
export async function backupEmbedded(config: BackupConfig, file: string): Promise<BackupReport> {
  if (config.DATABASE_URL) throw new BackupError(PG_BACKUP_HINT);
  const target = refuseExisting(config, file);
  const release = lockDataDir(config.dataDir);
  try {
    const pgdata = pgdataOf(config.dataDir);
    if (!hasDatabase(pgdata)) throw new BackupError(`There is no database in ${pgdata} to back up`);
    const db = await openPglite(pgdata);
    let bytes: Uint8Array;
    try {
      bytes = await db.dumpDataDir!();
    } finally {
      await db.close();
    }
    writeFileAtomic(target, bytes);
    return { file: target, bytes: bytes.length, secretFile: copySecretBeside(config.dataDir, target) };
  } finally {
    release();
  }
}

export interface RestoreReport {
  /** Where the database that was there before now lives (with --force). */
  movedAside: string[];
  /** Migrations the restore applied (a backup from an older version moves forward). */
  migrated: number[];
  applications: number;
  users: number;
  /** Set when <file>.secret.key was put in the data directory. */
  secretFile?: string;
  /** Key ids the sealed data needs that the configured secrets do not hold (empty: all good). */
  missingKeyIds: string[];
}

const GZIP_MAGIC = [0x1f, 0x8b];

function moveAside(target: string, stamp: string, moved: string[]): void {
  const aside = `${target}.before-restore-${stamp}`;
  fs.renameSync(target, aside);
  moved.push(aside);
}

/** Puts <file>.secret.key in the data directory unless the one there is the same. */
function restoreSecret(config: BackupConfig, file: string, force: boolean, stamp: string, moved: string[]): string | undefined {
  const source = backupSecretFileOf(file);
  if (!fs.existsSync(source)) return undefined;
  const target = secretFileOf(config.dataDir);
  const secret = fs.readFileSync(source);
  if (fs.existsSync(target)) {
    if (fs.readFileSync(target).equals(secret)) return undefined;
    if (!force) throw new BackupError(`${target} holds another secret than ${source}; restore with --force to replace it (the old one is kept aside)`);
    moveAside(target, stamp, moved);
  }
  writeFileAtomic(target, secret);
  return target;
}

/** The secrets this data directory runs with, without generating one (loadSecrets would). */
function configuredSecrets(config: BackupConfig): string[] {
  const current = config.VERITY_SECRET ?? (fs.existsSync(secretFileOf(config.dataDir)) ? fs.readFileSync(secretFileOf(config.dataDir), 'utf8').trim() : undefined);
  return [...(current ? [current] : []), ...config.VERITY_PREVIOUS_SECRETS];
}

/**
 * Restores `file` into <data dir>/pgdata, migrates it and counts what it holds. The directory lock is
 * held throughout. An existing database (or a different secret.key) is refused unless `force`, which
 * moves it aside to <name>.before-restore-<timestamp> rather than deleting it; a failed load or
 * migration puts it back. Throws BackupError (DATABASE_URL, no such file, not a dump, existing database) and
 * DataDirLockedError (a server runs on the directory: stop it first).
 */
export async function restoreEmbedded(config: BackupConfig, file: string, options: { force?: boolean } = {}): Promise<RestoreReport> {
  if (config.DATABASE_URL) throw new BackupError(PG_BACKUP_HINT);
  const source = path.resolve(file);
  if (!fs.existsSync(source)) throw new BackupError(`There is no backup file ${source}`);
  const bytes = fs.readFileSync(source);
  if (bytes[0] !== GZIP_MAGIC[0] || bytes[1] !== GZIP_MAGIC[1]) throw new BackupError(`${source} is not a Verity backup (a gzipped PGlite dump)`);
  const force = options.force ?? false;
  const release = lockDataDir(config.dataDir);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const moved: string[] = [];
  const pgdata = pgdataOf(config.dataDir);
  try {
    const occupied = fs.existsSync(pgdata) && fs.readdirSync(pgdata).length > 0;
    if (occupied && !force) {
      throw new BackupError(
        `${pgdata} already holds a database; restore with --force to replace it (the current one is moved aside, not deleted)`,
      );
    }
    const secretFile = restoreSecret(config, source, force, stamp, moved);
    if (occupied) moveAside(pgdata, stamp, moved);
    else fs.rmSync(pgdata, { recursive: true, force: true });
    // On failure, leave the directory as it was: the new database goes, what was moved aside comes back.
    const putBack = () => {
      fs.rmSync(pgdata, { recursive: true, force: true });
      if (secretFile) fs.rmSync(secretFile, { force: true });
      for (const aside of [...moved].reverse()) fs.renameSync(aside, aside.replace(/\.before-restore-[^/]*$/, ''));
    };
    let db;
    try {
      db = await openPglite(pgdata, { loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }) });
    } catch (error) {
      putBack();
      throw new BackupError(`Could not load ${source}: ${(error as Error).message}`);
    }
    let migrated: number[];
    try {
      migrated = await migrate(db);
    } catch (error) {
      await db.close().catch(() => undefined);
      putBack();
      throw new BackupError(`Could not migrate ${source} to this version's schema (the data directory is as it was): ${(error as Error).message}`);
    }
    try {
      const [counts] = await db.query<{ applications: number; users: number }>(
        'SELECT (SELECT count(*) FROM applications)::int AS applications, (SELECT count(*) FROM users)::int AS users',
      );
      // Every sealed column (domain/secrets/sealed-columns.ts), not only the callback secrets.
      const inUse = await keyIdsInUse(db);
      const secrets = configuredSecrets(config);
      const keyring = secrets.length ? createKeyring(secrets) : undefined;
      const missingKeyIds = [...inUse.keys()].filter((id) => !keyring?.hasKey(id));
      return { movedAside: moved, migrated, applications: counts!.applications, users: counts!.users, secretFile, missingKeyIds };
    } finally {
      await db.close();
    }
  } finally {
    release();
  }
}
