// Owns change notification for the in-process caches (cache.ts): which cached tables changed, in
// this process or any other sharing the database. Triggers (014_change_feed.sql) run
// pg_notify('verity_changes', '<schema>:<table>') on every write to a cached table, whoever writes
// (any server process, the CLI, manual SQL). On PostgreSQL one dedicated connection (not a pooled
// one) LISTENs; on PGlite its own in-process listen does. Writes made through this process's Db
// also mark their tables at once (db.ts), so a read right after a write here never waits for the
// notification to come back; on PostgreSQL such a write returns only once this process's listener has
// heard it (at most SETTLE_MS): the other processes were signalled at the same commit, and each
// hears it on its own (normally before whoever the writer answers can ask them; never promised).
//
// Fail closed: until the listener is LISTENing, and whenever its connection breaks, version() is
// null and every cache reads through; the caches are flushed when it breaks and again once it is
// back (notifications may have been missed meanwhile). Reconnection backs off up to 5 s. A
// connection can also go deaf without breaking (a half-open TCP connection after a failover or a
// NAT timeout, a transaction-pooling proxy that accepts LISTEN and never delivers): the listener
// notifies itself every HEARTBEAT_MS and counts as broken when that, or a writer's own change,
// is not heard in time. So a deaf listener is trusted for at most HEARTBEAT_MS + HEARD_WITHIN_MS.
import pg from 'pg';
import type { PGlite } from '@electric-sql/pglite';

export const CHANNEL = 'verity_changes';

/** The tables whose writes notify (014_change_feed.sql): the ones cached anywhere. */
export const NOTIFYING_TABLES: ReadonlySet<string> = new Set([
  'sign_in_experiences',
  'applications',
  'application_roles',
  'roles',
  'connectors',
  'oidc_keys',
  'api_keys',
]);

/** How often the listener checks that it still hears (by notifying itself), and how long it waits. */
const HEARTBEAT_MS = 2000;
const HEARD_WITHIN_MS = 2000;
/** Longest the heartbeat's own statement may take before the connection counts as gone anyway. */
const SENT_WITHIN_MS = 10_000;
/** The payload's table part of a heartbeat (never a table name: it has no letters). */
const PING = '--ping';

/** Longest a writer waits for its change to be heard (settled) before it answers anyway; not hearing
 *  it in that time counts as a broken listener. */
const SETTLE_MS = 1000;

export interface ChangeFeed {
  /** A number that moves whenever one of `tables` may have changed; null while changes cannot be
   *  promised (listener not up): the caller must read through and not keep what it read. Starts the
   *  listener on first use. */
  version(tables: readonly string[]): number | null;
  /** Marks tables as changed (a write made through this process, or a notification). */
  changed(tables: Iterable<string>): void;
  /** Resolves once the listener has heard a notification for each of `tables` from now on, so every
   *  other listener was told too; at once when the listener is not up, and after SETTLE_MS at most.
   *  A writer asks before its write (the notification may come back before the write's own answer)
   *  and awaits it after committing: every other listener was signalled at that commit too. */
  settled(tables: readonly string[]): Promise<void>;
  /** Calls fn with each changed table (and '*' when everything is flushed); returns the unsubscriber. */
  subscribe(fn: (table: string) => void): () => void;
  /** Whether the listener is up, so cached values are trusted. */
  readonly healthy: boolean;
  /** Per-cache storage, kept for the feed's lifetime (cache.ts). */
  readonly stores: Map<string, Map<string, unknown>>;
  /** Ends the listener; afterwards every read goes through. */
  close(): Promise<void>;
}

interface Listener {
  /** Connects and LISTENs; calls onChange per payload and onDown once if the connection breaks.
   *  `ping(payload)` notifies the channel from another connection. */
  start(
    onChange: (payload: string) => void,
    onDown: () => void,
  ): Promise<{ schema: string; stop(): Promise<void>; ping?(payload: string): Promise<void> }>;
}

function createFeed(listener: Listener): ChangeFeed {
  let seq = 0;
  let flushedAt = 0;
  const lastChange = new Map<string, number>();
  const subscribers = new Set<(table: string) => void>();
  /** Waiting writers: called with each table the listener hears, and '*' when it goes down. */
  const hearers = new Set<(table: string) => void>();
  const heard = (table: string) => {
    for (const fn of hearers) fn(table);
  };
  let state: 'idle' | 'starting' | 'up' | 'down' | 'closed' = 'idle';
  let stop: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;
  let failures = 0;
  let pending: Promise<void> | undefined;
  /** Breaks the current connection (a listener that stopped hearing). */
  let breakConnection: (() => void) | undefined;

  const notify = (table: string) => {
    for (const fn of subscribers) {
      try {
        fn(table);
      } catch {
        // a subscriber's failure is its own
      }
    }
  };
  const flush = () => {
    flushedAt = ++seq;
    notify('*');
  };

  const connect = async () => {
    state = 'starting';
    let schema = '';
    let lost = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let pinged: (() => void) | undefined;
    const down = () => {
      if (lost) return;
      lost = true;
      clearInterval(heartbeat);
      breakConnection = undefined;
      heard('*');
      if (state === 'closed') return;
      state = 'down';
      // a connection that still looks open is ended without waiting (it may never answer)
      void stop?.().catch(() => undefined);
      stop = undefined;
      flush();
      retry = setTimeout(() => {
        pending = connect();
      }, Math.min(5000, 100 * 2 ** failures++));
      retry.unref();
    };
    try {
      const started = await listener.start((payload) => {
        const at = payload.lastIndexOf(':');
        if (payload.slice(0, at) !== schema) return;
        const table = payload.slice(at + 1);
        if (table === PING) return pinged?.();
        feed.changed([table]);
        heard(table);
      }, down);
      schema = started.schema;
      // closed or lost while starting (the state is changed by close() meanwhile)
      if ((state as string) === 'closed' || lost) {
        await started.stop().catch(() => undefined);
        return;
      }
      stop = started.stop;
      breakConnection = down;
      failures = 0;
      flush();
      state = 'up';
      const { ping } = started;
      if (ping) {
        heartbeat = setInterval(() => {
          if (pinged) return; // the last one is still on its way
          let deaf: NodeJS.Timeout | undefined;
          let heardIt = false;
          const deafAfter = (ms: number) => {
            clearTimeout(deaf);
            deaf = setTimeout(down, ms);
            deaf.unref();
          };
          pinged = () => {
            heardIt = true;
            clearTimeout(deaf);
            pinged = undefined;
          };
          deafAfter(SENT_WITHIN_MS);
          // once committed it must be heard soon: a busy pool delays the ping, not the listener
          ping(`${schema}:${PING}`).then(() => {
            if (!heardIt && !lost) deafAfter(HEARD_WITHIN_MS);
          }, down);
        }, HEARTBEAT_MS);
        heartbeat.unref();
      }
    } catch {
      down();
    }
  };

  const feed: ChangeFeed = {
    version(tables) {
      if (state === 'idle') pending = connect();
      if (state !== 'up') return null;
      let v = flushedAt;
      for (const t of tables) v = Math.max(v, lastChange.get(t) ?? 0);
      return v;
    },
    changed(tables) {
      for (const t of tables) {
        lastChange.set(t, ++seq);
        notify(t);
      }
    },
    settled(tables) {
      const waiting = new Set(tables.filter((t) => NOTIFYING_TABLES.has(t)));
      if (state !== 'up' || waiting.size === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          hearers.delete(hear);
          resolve();
        };
        const hear = (table: string) => {
          if (table === '*') return done();
          waiting.delete(table);
          if (waiting.size === 0) done();
        };
        // not hearing its own change in time: the listener is deaf, so stop trusting it
        const timer = setTimeout(() => {
          done();
          breakConnection?.();
        }, SETTLE_MS);
        timer.unref();
        hearers.add(hear);
      });
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
    get healthy() {
      return state === 'up';
    },
    stores: new Map(),
    async close() {
      state = 'closed';
      clearTimeout(retry);
      breakConnection?.();
      heard('*');
      flush();
      feed.stores.clear();
      await pending;
      await stop?.().catch(() => undefined);
      stop = undefined;
    },
  };
  return feed;
}

/** The feed of a PostgreSQL database: its own connection with the pool's settings. `send` runs a
 *  statement on another connection (the pool's): the heartbeat goes that way, so it also proves
 *  that a notification from elsewhere reaches the listener. */
export function pgChangeFeed(settings: pg.ClientConfig, send: (sql: string, params: unknown[]) => Promise<unknown>): ChangeFeed {
  return createFeed({
    async start(onChange, onDown) {
      // keepAlive: the operating system notices a peer that vanished without closing
      const client = new pg.Client({ ...settings, keepAlive: true });
      client.on('error', onDown);
      client.on('end', onDown);
      client.on('notification', (message) => {
        if (message.channel === CHANNEL && message.payload) onChange(message.payload);
      });
      try {
        await client.connect();
        const [row] = (await client.query<{ schema: string }>('SELECT current_schema() AS schema')).rows;
        await client.query(`LISTEN ${CHANNEL}`);
        return {
          schema: row?.schema ?? 'public',
          async ping(payload) {
            await send('SELECT pg_notify($1, $2)', [CHANNEL, payload]);
          },
          async stop() {
            client.removeListener('end', onDown);
            client.removeListener('error', onDown);
            client.on('error', () => undefined);
            await client.end();
          },
        };
      } catch (error) {
        client.removeListener('end', onDown);
        client.removeListener('error', onDown);
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
        throw error;
      }
    },
  });
}

/** The feed of an in-process PGlite: its own listen (no connection to lose). */
export function pgliteChangeFeed(lite: Pick<PGlite, 'listen' | 'query'>): ChangeFeed {
  return createFeed({
    async start(onChange) {
      const [row] = (await lite.query<{ schema: string }>('SELECT current_schema() AS schema')).rows;
      const unlisten = await lite.listen(CHANNEL, onChange);
      return { schema: row?.schema ?? 'public', stop: () => unlisten() };
    },
  });
}

// INSERT INTO t, UPDATE [ONLY] t, DELETE FROM [ONLY] t, TRUNCATE [TABLE] [ONLY] t
const WRITE = /\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+(?:ONLY\s+)?"?(\w+)"?/gi;

/** Statement texts already parsed (a server sends a few hundred distinct texts; bounded anyway). */
const parsed = new Map<string, readonly string[]>();
const PARSED_MAX = 5000;

/** The tables a statement (or script) writes to, by name; each text is parsed once. */
export function writtenTables(sql: string): readonly string[] {
  let tables = parsed.get(sql);
  if (!tables) {
    tables = [...sql.matchAll(WRITE)].map((match) => match[1]!.toLowerCase());
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(sql, tables);
  }
  return tables;
}
