// Owns the exclusive lock on the embedded store's directory: PGlite is single-process, so a second
// server on the same data directory must fail with a clear error instead of corrupting the store.
// The lock file holds the owner's pid; a lock left by a process that no longer exists (kill -9) is
// taken over, which is safe because that process can no longer write.
import fs from 'node:fs';
import path from 'node:path';

export class DataDirLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The data directory ${dir} is in use by process ${pid}. The embedded database serves one process; ` +
        'stop that process, use another VERITY_DATA_DIR, or set DATABASE_URL to share a PostgreSQL server.',
    );
    this.name = 'DataDirLockedError';
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

/** Takes the lock or throws DataDirLockedError; returns the release function. */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'verity.lock');
  for (let attempt = 0; attempt < 5; attempt += 1) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      let released = false;
      return () => {
        if (released) return;
        released = true;
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(fs.readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner)) throw new DataDirLockedError(dir, owner);
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
