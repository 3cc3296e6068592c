// Owns statement counting: a log of every statement a target sends (count and round-trip time per
// distinct SQL text), and a proxy over Verity's Db that feeds it from query, exec and tx (whose
// BEGIN and COMMIT are statements on the wire too). Counting is off until the first reset().
import type { Db, Queryable } from '../src/storage/db.ts';
import type { StatementCounter } from './target.ts';

export interface StatementLog extends StatementCounter {
  time<T>(sql: string, run: () => Promise<T>): Promise<T>;
  /** Counts a statement that is sent without passing through time() (BEGIN, COMMIT). */
  note(sql: string): void;
}

const label = (sql: string) => {
  const flat = sql.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}…` : flat;
};

export function statementLog(): StatementLog {
  let on = false;
  let total = 0;
  const bySql = new Map<string, { count: number; ms: number }>();
  const add = (sql: string, ms: number) => {
    const entry = bySql.get(sql) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += ms;
    bySql.set(sql, entry);
    total += 1;
  };
  return {
    async time(sql, run) {
      if (!on) return run();
      const started = performance.now();
      try {
        return await run();
      } finally {
        add(sql, performance.now() - started);
      }
    },
    note(sql) {
      if (on) add(sql, 0);
    },
    reset() {
      on = true;
      total = 0;
      bySql.clear();
    },
    count: () => total,
    breakdown: (flows) =>
      [...bySql.entries()]
        .sort((a, b) => b[1].count - a[1].count)
        .map(([sql, e]) => `${(e.count / flows).toFixed(2)} × ${(e.ms / e.count).toFixed(2)} ms  ${label(sql)}`),
  };
}

/** The same Db, with every statement it runs timed into `log`. */
export function countingDb(db: Db, log: StatementLog): Db {
  const wrap = (q: Queryable): Queryable => ({
    query: (sql, params) => log.time(sql, () => q.query(sql, params)),
    exec: (sql) => log.time(sql, () => q.exec(sql)),
  });
  const outer = wrap(db);
  return {
    driver: db.driver,
    changes: db.changes,
    query: outer.query,
    exec: outer.exec,
    async tx(fn) {
      log.note('BEGIN');
      try {
        const value = await db.tx((q) => fn(wrap(q)));
        log.note('COMMIT');
        return value;
      } catch (error) {
        log.note('ROLLBACK');
        throw error;
      }
    },
    close: () => db.close(),
  };
}
