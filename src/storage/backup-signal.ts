// Owns backups of a running embedded store. PGlite serves one process, so only the server can dump it:
// on SIGUSR2 the server writes <data dir>/backups/verity-<timestamp>.tar.gz (secret.key beside it when
// there is one, written first) and logs the file. The dump holds the database between two statements
// for as long as it takes (tens of milliseconds for a small store), so requests wait, never fail.
// A server that takes these requests says so in <data dir>/backup-signal.pid; `verity backup` signals
// only the process named there and in the directory lock, because SIGUSR2 ends any other Node process.
import fs from 'node:fs';
import path from 'node:path';
import type { BackupConfig, BackupReport } from './backup.ts';
import { BackupError, backupSecretFileOf, copySecretBeside, writeFileAtomic } from './backup.ts';
import type { Db } from './db.ts';

export const BACKUP_SIGNAL = 'SIGUSR2';
const markerOf = (dataDir: string) => path.join(dataDir, 'backup-signal.pid');
export const backupsDirOf = (dataDir: string): string => path.join(dataDir, 'backups');
const BACKUP_NAME = /^verity-[0-9TZ-]+\.tar\.gz$/;

interface Logger {
  info(message: string): void;
  error(message: string): void;
}

export interface BackupRequests {
  /** Stops listening and waits for a dump in progress (call before closing the store). */
  stop(): Promise<void>;
}

/** Makes the server write a backup on SIGUSR2; does nothing on PostgreSQL (pg_dump covers it). */
export function serveBackupRequests(deps: { db: Db; dataDir: string; logger: Logger }): BackupRequests {
  const { db, dataDir, logger } = deps;
  if (!db.dumpDataDir) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const dump = async () => {
    const started = Date.now();
    const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
    const file = path.join(backupsDirOf(dataDir), `verity-${stamp}.tar.gz`);
    try {
      const bytes = await db.dumpDataDir!();
      fs.mkdirSync(backupsDirOf(dataDir), { recursive: true, mode: 0o700 });
      copySecretBeside(dataDir, file); // before the dump appears, so a waiting CLI finds both
      writeFileAtomic(file, bytes);
      logger.info(`Backup written to ${file} (${bytes.length} bytes in ${Date.now() - started} ms)`);
    } catch (error) {
      logger.error(`Backup to ${file} failed: ${(error as Error).message}`);
    }
  };
  const onSignal = () => {
    if (running) {
      logger.info('A backup is already being written; this request is covered by it');
      return;
    }
    running = dump().finally(() => (running = undefined));
  };
  process.on(BACKUP_SIGNAL, onSignal);
  fs.writeFileSync(markerOf(dataDir), String(process.pid), { mode: 0o600 });
  return {
    async stop() {
      process.off(BACKUP_SIGNAL, onSignal);
      try {
        if (fs.readFileSync(markerOf(dataDir), 'utf8') === String(process.pid)) fs.unlinkSync(markerOf(dataDir));
      } catch {
        // already gone
      }
      await running;
    },
  };
}

function readPid(file: string): number | undefined {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function moveFile(from: string, to: string): void {
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    writeFileAtomic(to, fs.readFileSync(from));
    fs.unlinkSync(from);
  }
}

/**
 * Asks the server holding the data directory for a backup and moves it to `file`. Throws BackupError
 * when the lock holder does not take backup requests or no backup appears within `timeoutMs`.
 */
export async function requestServerBackup(config: BackupConfig, file: string, options: { timeoutMs?: number } = {}): Promise<BackupReport> {
  const target = path.resolve(file);
  if (fs.existsSync(target)) throw new BackupError(`${target} exists; choose a new file name`);
  const holder = readPid(path.join(config.dataDir, 'verity.lock'));
  const server = readPid(markerOf(config.dataDir));
  if (holder === undefined || holder !== server) {
    throw new BackupError(
      `Process ${holder ?? '?'} holds ${config.dataDir} and does not take backup requests (it is not a running Verity server, ` +
        'or one still starting); ' +
        'wait for it to finish or stop it, then run backup again.',
    );
  }
  const dir = backupsDirOf(config.dataDir);
  const before = new Set(fs.existsSync(dir) ? fs.readdirSync(dir) : []);
  const gone = () => new BackupError(`The server (process ${holder}) stopped before it wrote the backup; run backup again`);
  try {
    process.kill(holder, BACKUP_SIGNAL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EPERM') {
      throw new BackupError(`Not allowed to signal the server (process ${holder}): run backup as the user the server runs as`);
    }
    throw gone();
  }
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (!isAlive(holder)) throw gone();
    const made = (fs.existsSync(dir) ? fs.readdirSync(dir) : []).find((name) => BACKUP_NAME.test(name) && !before.has(name));
    if (!made) continue;
    const written = path.join(dir, made);
    moveFile(written, target);
    let secretFile: string | undefined;
    if (fs.existsSync(backupSecretFileOf(written))) {
      secretFile = backupSecretFileOf(target);
      moveFile(backupSecretFileOf(written), secretFile);
    }
    return { file: target, bytes: fs.statSync(target).size, secretFile };
  }
  throw new BackupError(`The server (process ${holder}) wrote no backup within ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s; see its log`);
}
