// Owns the Experience suite's memory rows: Verity's resident set size after start and after the
// suite's load, on PostgreSQL and on PGlite. The suite's own servers share this process with the
// load client's thread, the baselines and (PGlite) a second database, so this process's RSS would
// not be Verity's. Instead each row forks memory-server.ts: the same Verity Experience target
// (same config, users, SPA) alone in a child process. Its RSS is read once it listens ("start")
// and after the same runs the suite made (every concurrency, password then code, warm-up
// included): "after". The codes it sends come back over IPC into the shared code book.
import { fork, type ChildProcess } from 'node:child_process';
import type { CodeBook } from './codebook.ts';
import type { FromServer, MemoryServerOptions, ToServer } from './memory-server.ts';
import { statementLog } from './counting-db.ts';
import type { ExperienceTarget } from './experience.ts';

export interface MemoryServer extends ExperienceTarget {
  pid: number;
  /** Resident set size in bytes, now. */
  rss(): Promise<number>;
  /** RSS in bytes once the server listened. */
  startRss: number;
}

export function startMemoryServer(options: MemoryServerOptions & { book: CodeBook }): Promise<MemoryServer> {
  const { book, ...serverOptions } = options;
  const entry = new URL('./memory-server.ts', import.meta.url);
  // fork keeps this process's execArgv: under tsx, the child loads .ts files the same way.
  const child: ChildProcess = fork(entry, [], { env: { ...process.env, BENCH_MEMORY_SERVER: JSON.stringify(serverOptions) }, stdio: 'inherit' });
  const post = (message: ToServer) => child.connected && child.send(message);
  let rssWaiter: ((rss: number) => void) | null = null;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise<MemoryServer>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`memory server (${options.driver}) exited with ${code} before it was ready`)));
    child.on('message', (message: FromServer) => {
      if (message.type === 'code') {
        book.record(message.slot, message.code);
        post({ type: 'ack', id: message.id });
      } else if (message.type === 'rss') rssWaiter?.(message.rss);
      else if (message.type === 'failed') reject(new Error(`memory server (${options.driver}): ${message.message}`));
      else
        resolve({
          name: `verity-${options.driver}`,
          url: message.url,
          experience: message.experience,
          statements: statementLog(),
          pid: child.pid!,
          startRss: message.rss,
          rss: () => new Promise<number>((done) => ((rssWaiter = done), post({ type: 'rss' }))),
          async close() {
            post({ type: 'close' });
            await exited;
          },
        });
    });
  });
}
