// Owns backups of a running embedded store. PGlite serves one process, so only the server can dump it:
// on SIGUSR2 the server writes <data dir>/backups/verity-<timestamp>.tar.gz (secret.key beside it when
// there is one, written first) and logs the file. The dump holds the database between two statements
// for as long as it takes (tens of milliseconds for a small store), so requests wait, never fail.
// Every CLI request gets a dump started after it; a request during a dump gets the next one.
// A server that takes these requests says so in <data dir>/backup-signal.pid: its pid, then its start
// time (Linux: field 22 of /proc/<pid>/stat). SIGUSR2 ends any other Node process, and pids are reused
// after a crash, so `verity backup` signals only the pid named there and in the directory lock, only
// when the marker belongs to the CLI's own user, and (with /proc) only when that pid's start time is
// the one recorded. Without /proc the owner check is all there is, and the refusal says so.
// Each CLI asks with a request file of its own and gets a dump named for it (requestServerBackup).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BackupConfig, BackupReport } from './backup.ts';
import { BackupError, backupSecretFileOf, copySecretBeside, fsyncDir, refuseExisting, writeFileAtomic } from './backup.ts';
import type { Db } from './db.ts';
import { isAlive, lockFileOf, readLockOwner } from './dir-lock.ts';

const BACKUP_SIGNAL = 'SIGUSR2';
const markerOf = (dataDir: string): string => path.join(dataDir, 'backup-signal.pid');
const backupsDirOf = (dataDir: string): string => path.join(dataDir, 'backups');

interface Logger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * A process's start time in clock ticks since boot: field 22 of /proc/<pid>/stat, counted after the last
 * ')' because the command name (field 2) may hold spaces and parentheses. Undefined when the process
 * does not exist or there is no /proc.
 */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 1).trim().split(/\s+/); // fields[0] is field 3
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}

const hasProc = (): boolean => fs.existsSync('/proc/self/stat');

/** Replaces the marker through a rename, so it is always this process's file (owner, mode 0600). */
function writeMarker(dataDir: string): void {
  const temp = `${markerOf(dataDir)}.${process.pid}.tmp`;
  fs.rmSync(temp, { force: true }); // a file left there could be someone else's: write a new one
  fs.writeFileSync(temp, `${process.pid}\n${processStartTime(process.pid) ?? ''}\n`, { mode: 0o600, flag: 'wx' });
  fs.renameSync(temp, markerOf(dataDir));
}

export interface BackupRequests {
  /** Stops listening and waits for the dumps in progress (call before closing the store). */
  stop(): Promise<void>;
}

const REQUEST = /^\.request-([0-9a-f]{16})$/;
/** Ids of the CLI requests waiting in the backups directory. */
const pendingRequests = (dir: string): string[] =>
  (fs.existsSync(dir) ? fs.readdirSync(dir) : []).flatMap((name) => REQUEST.exec(name)?.[1] ?? []);

/** Makes the server write a backup on SIGUSR2; does nothing on PostgreSQL (pg_dump covers it). */
export function serveBackupRequests(deps: { db: Db; dataDir: string; logger: Logger }): BackupRequests {
  const { db, dataDir, logger } = deps;
  if (!db.dumpDataDir) return { stop: async () => undefined };
  const dir = backupsDirOf(dataDir);
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  // One dump serves the requests present when it starts: each gets a file named for it (a plain
  // signal, with none, gets verity-<timestamp>.tar.gz). The request files go once their dump is written.
  const dump = async (requests: string[]) => {
    const started = Date.now();
    const stamp = new Date(started).toISOString().replace(/[:.]/g, '-');
    const files = (requests.length ? requests.map((id) => `verity-${stamp}-${id}.tar.gz`) : [`verity-${stamp}.tar.gz`]).map((name) => path.join(dir, name));
    try {
      const bytes = await db.dumpDataDir!();
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const file of files) {
        copySecretBeside(dataDir, file); // before the dump appears, so a waiting CLI finds both
        writeFileAtomic(file, bytes);
        logger.info(`Backup written to ${file} (${bytes.length} bytes in ${Date.now() - started} ms)`);
      }
    } catch (error) {
      logger.error(`Backup to ${files.join(', ')} failed: ${(error as Error).message}`);
    } finally {
      for (const id of requests) fs.rmSync(path.join(dir, `.request-${id}`), { force: true });
    }
  };
  // A signal during a dump may come with a request the dump did not see: one more dump follows for the
  // requests then waiting (none waiting: the plain signal is covered by the dump just written).
  const loop = async () => {
    await dump(pendingRequests(dir));
    while (again && !stopped) {
      again = false;
      const requests = pendingRequests(dir);
      if (requests.length) await dump(requests);
    }
  };
  const onSignal = () => {
    if (running) {
      again = true;
      return;
    }
    running = loop().finally(() => (running = undefined));
  };
  process.on(BACKUP_SIGNAL, onSignal);
  writeMarker(dataDir);
  return {
    async stop() {
      stopped = true;
      process.off(BACKUP_SIGNAL, onSignal);
      try {
        if (readMarker(dataDir)?.pid === process.pid) fs.unlinkSync(markerOf(dataDir));
      } catch {
        // already gone
      }
      await running;
    },
  };
}

export interface Marker {
  pid: number;
  /** The start time recorded by the server; empty when it had no /proc. */
  start: string;
  /** The marker file's owner. */
  uid: number;
}

/** The marker as written, or undefined when absent or malformed (never follows a symlink). */
function readMarker(dataDir: string): Marker | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(markerOf(dataDir), fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0));
    const { uid } = fs.fstatSync(fd);
    const [pidText = '', start = ''] = fs.readFileSync(fd, 'utf8').split('\n');
    const pid = /^[1-9][0-9]*$/.test(pidText) ? Number(pidText) : undefined;
    return pid === undefined ? undefined : { pid, start: start.trim(), uid };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

export interface ProcessProbe {
  /** processStartTime, or undefined when there is no /proc at all. */
  startTime?: (pid: number) => string | undefined;
  /** process.geteuid(), where it exists. */
  euid?: number;
}

const systemProbe = (): ProcessProbe => ({
  startTime: hasProc() ? processStartTime : undefined,
  euid: process.geteuid?.(),
});

/**
 * The pid to signal: the lock holder, when the marker names it, belongs to this user and (with /proc)
 * records that process's start time. Throws BackupError otherwise; nothing is signalled.
 */
export function serverToSignal(dataDir: string, probe: ProcessProbe = systemProbe()): number {
  const marker = markerOf(dataDir);
  const lock = (() => {
    try {
      return readLockOwner(lockFileOf(dataDir));
    } catch {
      return undefined;
    }
  })();
  const lockHost = lock?.host;
  // Another host's (or container's) pid means nothing here: it may even be this process's own number.
  if (lockHost !== undefined && lockHost !== os.hostname())
    throw new BackupError(
      `${dataDir} is held by a server on host ${lockHost} (another machine or container); nothing was signalled. ` +
        'Run backup where that server runs (in its container: `docker exec <container> node dist/cli/index.js backup <file>`).',
    );
  const holder = lock && Number.isInteger(lock.pid) && lock.pid > 0 ? lock.pid : undefined;
  const found = readMarker(dataDir);
  const notServer = (why: string) =>
    new BackupError(
      `Process ${holder ?? '?'} holds ${dataDir} and does not take backup requests (${why}); it was not signalled. ` +
        'Wait for it to finish or stop it, then run backup again.',
    );
  if (holder === undefined || found?.pid !== holder) {
    throw notServer('it is not a running Verity server, or one still starting');
  }
  if (probe.euid !== undefined && found.uid !== probe.euid) {
    throw new BackupError(
      `${marker} belongs to uid ${found.uid}, not to this user (uid ${probe.euid}); it was not trusted and nothing was ` +
        'signalled. Run backup as the user the server runs as.',
    );
  }
  if (!probe.startTime) {
    if (probe.euid === undefined) {
      throw new BackupError(
        `Without /proc the server's identity cannot be checked, and on this platform neither can the owner of ${marker}; ` +
          'nothing was signalled. Stop the server and run backup again (it then opens the store itself).',
      );
    }
    return holder; // without /proc: trusted because this user wrote the marker (checked above)
  }
  const start = probe.startTime(holder);
  if (start === undefined) throw notServer('it is gone');
  if (found.start !== start) {
    throw notServer(`its start time is not the one in ${marker}: the marker is left from a server that stopped, and the pid was reused`);
  }
  return holder;
}


/** Moves without replacing: a hard link (fails when `to` exists), else a copy across file systems. */
function moveFile(from: string, to: string): void {
  try {
    fs.linkSync(from, to);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new BackupError(`${to} exists; choose a new file name`);
    if (code !== 'EXDEV') throw error;
    writeFileAtomic(to, fs.readFileSync(from));
  }
  fsyncDir(path.dirname(to));
  fs.unlinkSync(from);
}

/**
 * Asks the server holding the data directory for a backup and moves it to `file`. The request is a
 * file <data dir>/backups/.request-<random id> and a signal; the server answers with a dump named for
 * that id, so requests at the same time never share or race for one. Throws BackupError when the lock
 * holder is not a server that takes backup requests (serverToSignal), or no backup appears in time.
 */
export async function requestServerBackup(config: BackupConfig, file: string, options: { timeoutMs?: number } = {}): Promise<BackupReport> {
  const target = refuseExisting(config, file);
  const server = serverToSignal(config.dataDir);
  const dir = backupsDirOf(config.dataDir);
  const id = randomBytes(8).toString('hex');
  const request = path.join(dir, `.request-${id}`);
  const gone = () => new BackupError(`The server (process ${server}) stopped before it wrote the backup; run backup again`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(request, '', { flag: 'wx', mode: 0o600 });
  try {
    try {
      process.kill(server, BACKUP_SIGNAL);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EPERM') {
        throw new BackupError(`Not allowed to signal the server (process ${server}): run backup as the user the server runs as`);
      }
      throw gone();
    }
    const timeoutMs = options.timeoutMs ?? 120_000;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!isAlive(server)) throw gone();
      const served = !fs.existsSync(request); // the server drops it once the dump for it is written (or failed)
      const made = fs.readdirSync(dir).find((name) => name.startsWith('verity-') && name.endsWith(`-${id}.tar.gz`));
      if (!made && served) throw new BackupError(`The server (process ${server}) could not write the backup; see its log`);
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
    throw new BackupError(`The server (process ${server}) wrote no backup within ${Math.round(timeoutMs / 1000)} s; see its log`);
  } finally {
    fs.rmSync(request, { force: true }); // the server removes it once served; gone either way
  }
}
