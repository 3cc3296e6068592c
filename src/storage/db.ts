// Owns the one database handle every module uses: `{ query, tx, close }` over PGlite or a pg pool.
// Both drivers speak the same PostgreSQL dialect; nothing above this file knows which one runs.
// It also owns what a failure means: a broken connection is retried once when that is safe (see
// openPg) and otherwise surfaces as DatabaseUnavailableError (503 + Retry-After upstream); a value
// the database refuses (refusedInput) is the caller's fault (a 400 upstream).
import crypto from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { pgChangeFeed, pgliteChangeFeed, writtenTables, type ChangeFeed } from './change-feed.ts';

export interface QueryOptions {
  /** Plan the statement for this call's values every time, instead of once per connection: for a
   *  statement whose best plan depends on its values (a search pattern). */
  planEachCall?: boolean;
}

export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<T[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly driver: 'pglite' | 'pg';
  /** Runs fn inside BEGIN … COMMIT on one connection; rolls back when fn throws. */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Which cached tables changed (change-feed.ts); a handle without one is never cached for. */
  readonly changes?: ChangeFeed;
  /** PGlite only: a gzipped tarball of the data directory, taken between statements (storage/backup.ts). */
  dumpDataDir?(): Promise<Uint8Array>;
}

export interface PgOptions {
  url: string;
  poolSize: number;
  /** Sets search_path on every connection (tests use a schema each). */
  schema?: string;
  /** application_name of every connection (default `verity`, unless the standard PGAPPNAME variable
   *  names one; an application_name in the URL wins over both). */
  applicationName?: string;
}

/** The database could not be reached, or the connection broke and the statement was not retried. */
export class DatabaseUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`database unavailable: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

/** Whether `error`, or an error it wraps (its `cause` chain), is a DatabaseUnavailableError. */
/** Where a unique violation (SQLSTATE 23505) happened, as the drivers name it (the constraint, and
 *  the message naming it); null for any other error. Repositories map it to their index names. */
export function uniqueViolationText(error: unknown): string | null {
  const e = error as { code?: unknown; constraint?: unknown; message?: unknown } | null;
  if (!e || e.code !== '23505') return null;
  return `${String(e.constraint ?? '')} ${String(e.message ?? '')}`;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e = error, hops = 0; e && hops < 5; e = (e as { cause?: unknown }).cause, hops += 1) {
    if (e instanceof DatabaseUnavailableError) return true;
  }
  return false;
}

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Whether the database refused a value of the statement: SQLSTATE class 22 (data exception: invalid
 * byte sequence, untranslatable character, numeric out of range, invalid text representation, bad
 * LIKE escape or regular expression …), 54000 (a value too large to index) or 54001 (too deeply
 * nested). Only input causes these, so they are the caller's 400, never a 500.
 */
export function refusedInput(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && (code.startsWith('22') || code === '54000' || code === '54001');
}

// The connection, not the statement, failed: connection exceptions (08…), the server shutting down
// or terminating the backend (57P01–57P03), too many connections (53300), and the socket-level
// failures pg reports without a SQLSTATE.
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect|connection error/i;

function brokenConnection(error: unknown): boolean {
  const code = sqlState(error);
  if (code !== undefined && (code.startsWith('08') || CONNECTION_CODES.has(code))) return true;
  return error instanceof Error && CONNECTION_MESSAGES.test(error.message);
}

// pg refuses a statement on a client whose connection already failed without sending it.
const neverSent = (error: unknown) => error instanceof Error && /not queryable/.test(error.message);

/**
 * Whether a statement only reads, so running it twice is harmless: it starts with SELECT, WITH,
 * VALUES, SHOW or TABLE and names no writing keyword and no function with side effects (a writing
 * CTE, FOR UPDATE, nextval, advisory locks, set_config). Anything else counts as a write.
 */
export function readOnlyStatement(sql: string): boolean {
  return /^\s*(SELECT|WITH|VALUES|SHOW|TABLE)\b/i.test(sql) && !/\b(INSERT|UPDATE|DELETE|MERGE|TRUNCATE|nextval|setval|pg_advisory\w*|set_config|pg_notify)\b/i.test(sql);
}

const statementNames = new Map<string, string>();

/**
 * Every parameterised statement runs as a named prepared statement: PostgreSQL plans it once per
 * connection instead of on every call (planning cost more than executing our short statements).
 * The name is derived from the text, so one name always means one text.
 */
function prepared(sql: string, params: readonly unknown[] | undefined, options?: QueryOptions): pg.QueryConfig {
  // An unnamed statement is planned with its values at every call.
  if (options?.planEachCall) return { text: sql, values: params as unknown[] | undefined };
  let name = statementNames.get(sql);
  if (!name) {
    name = `v_${crypto.createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params as unknown[] | undefined };
}

/**
 * A pool of PostgreSQL connections. A broken connection (a terminated backend, a restart, a network
 * failure) is retried once, on a connection opened for the retry (not another pooled one, which the
 * same event may have broken too), only when that cannot apply a write twice:
 *   - connecting failed, or pg refused the statement unsent on a client already broken: any statement;
 *   - the statement only reads (readOnlyStatement): whatever became of the first attempt;
 *   - a transaction whose BEGIN failed: nothing of it ran yet, so it starts again.
 * Any other write whose connection broke (its outcome unknown), a transaction broken after BEGIN and a
 * second failure throw DatabaseUnavailableError. A broken client is discarded, never reused.
 */
export function openPg(options: PgOptions): Db {
  const settings: pg.ClientConfig = {
    connectionString: options.url,
    options: options.schema ? `-c search_path=${options.schema}` : undefined,
    application_name: options.applicationName ?? process.env.PGAPPNAME ?? 'verity',
  };
  const pool = new pg.Pool({ ...settings, max: options.poolSize });
  const changes = pgChangeFeed(settings, (sql, params) => pool.query(sql, params));
  /** A write made here marks its tables at once (its own notification comes back later). */
  const wrote = (tables: readonly string[]) => {
    if (tables.length) changes.changed(tables);
  };
  /** Before a write: what to await once it is committed (its notification heard, change-feed.ts). */
  const heard = (tables: readonly string[]) => (tables.length ? changes.settled(tables) : undefined);
  // A client that loses its server must not crash the process, idle (the pool's 'error') or checked
  // out (its own 'error', e.g. a terminated backend's notice arriving between two statements): its
  // next statement fails as "not queryable", and a broken client is discarded on release.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));

  interface Lease {
    client: pg.ClientBase;
    /** Returns the client: to the pool (discarded when `broken`), or closes the retry's own. */
    done(broken?: Error): void;
  }
  /** A pooled client for a first attempt, a new connection of its own for the retry. */
  const lease = async (attempt: number): Promise<Lease> => {
    if (attempt === 1) {
      const client = await pool.connect();
      return { client, done: (broken) => client.release(broken) };
    }
    const client = new pg.Client(settings);
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    return { client, done: () => void client.end().catch(() => undefined) };
  };

  /** Runs `work` on a leased client; retried once on a new connection when `retryable(error)` allows. */
  const withRetry = async <R>(work: (client: pg.ClientBase) => Promise<R>, retryable: (error: unknown) => boolean, keep = false) => {
    for (let attempt = 1; ; attempt += 1) {
      let leased: Lease;
      try {
        leased = await lease(attempt);
      } catch (error) {
        // Nothing was sent: connecting is always safe to try again.
        if (!brokenConnection(error)) throw error;
        if (attempt === 1) continue;
        throw new DatabaseUnavailableError(error);
      }
      try {
        const result = await work(leased.client);
        if (!keep) leased.done();
        return { result, lease: leased };
      } catch (error) {
        const broken = brokenConnection(error);
        leased.done(broken ? (error as Error) : undefined);
        if (!broken) throw error;
        if (attempt === 1 && (neverSent(error) || retryable(error))) continue;
        throw new DatabaseUnavailableError(error);
      }
    }
  };

  /** One statement; a read is retried whatever became of its first attempt. */
  const run = async (config: pg.QueryConfig) => (await withRetry((client) => client.query(config), () => readOnlyStatement(config.text))).result;

  /** A client inside BEGIN (kept leased for the transaction); a failed BEGIN starts again once. */
  const begin = async () => (await withRetry((client) => client.query('BEGIN'), () => true, true)).lease;

  /** Inside a transaction nothing is retried: a broken connection there is DatabaseUnavailableError. */
  const inTx = async <R>(client: pg.ClientBase, config: string | pg.QueryConfig): Promise<pg.QueryResult<R & pg.QueryResultRow>> => {
    try {
      return await client.query<R & pg.QueryResultRow>(config);
    } catch (error) {
      throw brokenConnection(error) ? new DatabaseUnavailableError(error) : error;
    }
  };

  return {
    driver: 'pg',
    changes,
    async query<T>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
      const tables = writtenTables(sql);
      const told = heard(tables);
      try {
        const rows = (await run(prepared(sql, params, options))).rows as T[];
        wrote(tables);
        await told;
        return rows;
      } catch (error) {
        wrote(tables);
        throw error;
      }
    },
    async exec(sql: string) {
      const tables = writtenTables(sql);
      const told = heard(tables);
      try {
        await run({ text: sql });
        wrote(tables);
        await told;
      } catch (error) {
        wrote(tables);
        throw error;
      }
    },
    async tx<T>(fn: (q: Queryable) => Promise<T>) {
      const leased = await begin();
      const { client } = leased;
      let broken: Error | undefined;
      const written: (readonly string[])[] = [];
      const told: Promise<void>[] = [];
      let value: T;
      const note = (sql: string) => {
        const tables = writtenTables(sql);
        written.push(tables);
        const heardOnce = heard(tables);
        if (heardOnce) told.push(heardOnce);
      };
      try {
        const q: Queryable = {
          async query<R>(sql: string, params?: readonly unknown[], options?: QueryOptions) {
            note(sql);
            return (await inTx<R>(client, prepared(sql, params, options))).rows as R[];
          },
          async exec(sql: string) {
            note(sql);
            await inTx(client, sql);
          },
        };
        value = await fn(q);
        await inTx(client, 'COMMIT');
      } catch (error) {
        if (isDatabaseUnavailable(error)) broken = error as Error;
        else await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        leased.done(broken);
        // after COMMIT (or its failure): a reader from now on sees the change
        for (const tables of written) wrote(tables);
      }
      // the connection is back in the pool; the answer waits until this process's listener heard it
      await Promise.all(told);
      return value;
    },
    async close() {
      await changes.close();
      await pool.end();
    },
  };
}

const gzipAsync = promisify(gzip);

/** Opens PGlite persisted at dataDir, or in memory when dataDir is undefined. Extensions the
 *  migrations create (pg_trgm, migration 013) must be loaded when PGlite is constructed. PGlite is
 *  imported here, not at the top: loading it costs about 45 MB of memory that a server on
 *  PostgreSQL never needs. */
export async function openPglite(dataDir?: string, options: { loadDataDir?: Blob } = {}): Promise<Db> {
  const [{ PGlite: Lite }, { pg_trgm }] = await Promise.all([import('@electric-sql/pglite'), import('@electric-sql/pglite/contrib/pg_trgm')]);
  const lite = await Lite.create({ ...(dataDir ? { dataDir } : {}), ...options, extensions: { pg_trgm } });
  const changes = pgliteChangeFeed(lite);
  // Writes mark their tables as soon as they are done (inside a transaction: once it ends), besides
  // the notification PGlite delivers in process.
  const wrap = (runner: Pick<PGlite, 'query' | 'exec'>, wrote: (sql: string) => void): Queryable => ({
    async query<T>(sql: string, params?: readonly unknown[]) {
      try {
        return (await runner.query<T>(sql, params as unknown[] | undefined)).rows;
      } finally {
        wrote(sql);
      }
    },
    async exec(sql: string) {
      try {
        await runner.exec(sql);
      } finally {
        wrote(sql);
      }
    },
  });
  const mark = (sql: string) => {
    const tables = writtenTables(sql);
    if (tables.length) changes.changed(tables);
  };
  const base = wrap(lite, mark);
  let closed = false;
  return {
    driver: 'pglite',
    changes,
    query: base.query,
    exec: base.exec,
    async tx(fn) {
      const written: string[] = [];
      try {
        return await lite.transaction((t) => fn(wrap(t, (sql) => written.push(sql))));
      } finally {
        for (const sql of written) mark(sql);
      }
    },
    async dumpDataDir() {
      // A checkpoint first keeps the WAL a restore replays short; the dump itself runs between
      // statements, so it is the image a crash at that moment would leave, which PostgreSQL recovers.
      // Compressed afterwards, on libuv's threads: statements wait only for the tarball itself.
      await lite.exec('CHECKPOINT');
      const tar = new Uint8Array(await (await lite.dumpDataDir('none')).arrayBuffer());
      return new Uint8Array(await gzipAsync(tar));
    },
    async close() {
      if (closed) return;
      closed = true;
      await changes.close();
      // A checkpoint first, so the next start does not replay the WAL.
      await lite.exec('CHECKPOINT').catch(() => undefined);
      await lite.close();
    },
  };
}
