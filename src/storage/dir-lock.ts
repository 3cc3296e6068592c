// Owns the exclusive lock on the embedded store's directory: PGlite is single-process, so a second
// server on the same data directory must fail with a clear error instead of corrupting the store.
// The lock file holds the owner's pid and host name (`<pid>\n<host>\n`); a lock left on this host by a
// process that no longer exists (kill -9) is taken over, which is safe because that process can no
// longer write. A lock from another host name is never taken over: containers sharing a volume each
// run the server as pid 1, so only the host name (a container's id) tells them apart, and another
// host's process cannot be checked from here — its lock is removed by hand once that host is gone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number, host?: string) {
    super(
      host === undefined
        ? `The data directory ${dir} is in use by process ${pid}. The embedded database serves one process; ` +
            'stop that process, use another VERITY_DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.'
        : `The data directory ${dir} is locked by process ${pid} on host ${host} (another machine or container). ` +
            'The embedded database serves one process; stop that one. If that host or container no longer exists, ' +
            `delete ${lockFileOf(dir)} and start again.`,
    );
    this.name = 'DataDirLockedError';
  }
}

/** The lock file of a data directory. */
export const lockFileOf = (dir: string) => path.join(dir, 'verity.lock');

/** The lock file's owner: its pid, and its host name (absent in a lock written before host names). */
export function readLockOwner(file: string): { pid: number; host?: string } {
  const [pid, host] = fs.readFileSync(file, 'utf8').split('\n');
  return { pid: Number.parseInt(pid ?? '', 10), host: host?.trim() || undefined };
}

/** Whether a process of this host with that pid exists (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws DataDirLockedError; returns the release function. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = lockFileOf(dir);
  const mine = `${process.pid}\n${os.hostname()}\n`;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx', mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner: ReturnType<typeof readLockOwner>;
      try {
        owner = readLockOwner(file);
      } catch (readError) {
        if ((readError as NodeJS.ErrnoException).code === 'ENOENT') continue; // released meanwhile: try again
        throw readError;
      }
      if (owner.host !== undefined && owner.host !== os.hostname()) throw new DataDirLockedError(dir, owner.pid, owner.host);
      if (Number.isInteger(owner.pid) && owner.pid !== process.pid && isAlive(owner.pid)) throw new DataDirLockedError(dir, owner.pid);
      // Stale: move it aside atomically so two starters cannot both remove a fresh lock.
      try {
        fs.renameSync(file, `${file}.stale-${process.pid}`);
        fs.unlinkSync(`${file}.stale-${process.pid}`);
      } catch {
        // another starter took it over first; try again
      }
    }
  }
  throw new Error(`Could not take the lock on ${dir}`);
}
