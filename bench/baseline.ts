// Owns the OTP suite's baselines: the least a Fastify 5 server can do for a two-request flow, on
// the same stores as Verity. POST /pair inserts one row, POST /pair/:id updates it; one statement
// per request, through a pg.Pool as large as Verity's in a schema of its own (`baseline`), or an
// in-memory PGlite on the server's thread, as verity-pglite runs it (`baseline-pglite`). No
// validation, auth, hooks or logging.
import crypto from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import Fastify from 'fastify';
import { statementLog } from './counting-db.ts';
import { building, listenLocal, type Teardown } from './lifecycle.ts';
import { bareDb } from './schema.ts';
import type { Target } from './target.ts';

type Query = (sql: string, params?: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;

/** An in-memory PGlite on this thread, timed into `statements` like bareDb. */
async function barePglite(down: Teardown) {
  const lite = await PGlite.create();
  down.add(() => lite.close());
  const statements = statementLog();
  const query: Query = (sql, params) => statements.time(sql, () => lite.query<Record<string, unknown>>(sql, params));
  return { query, statements };
}

export function startBaseline(options: { store?: 'pg' | 'pglite'; databaseUrl: string; poolSize: number }): Promise<Target> {
  return building(async (down) => {
    const pglite = options.store === 'pglite';
    const db = pglite ? await barePglite(down) : await bareDb(options.databaseUrl, 'pairs', options.poolSize, down);
    await db.query('CREATE TABLE bench_pairs (id uuid PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL)');
    const app = Fastify();
    down.add(() => app.close());
    app.post<{ Body: { value?: string } }>('/pair', async (request, reply) => {
      const id = crypto.randomUUID();
      await db.query('INSERT INTO bench_pairs (id, value, created_at) VALUES ($1, $2, now())', [id, request.body.value ?? '']);
      return reply.code(201).send({ id });
    });
    app.post<{ Params: { id: string } }>('/pair/:id', async (request, reply) => {
      const { rows } = await db.query(`UPDATE bench_pairs SET value = value || 'x' WHERE id = $1 RETURNING *`, [request.params.id]);
      if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
      return rows[0];
    });
    const name = pglite ? 'baseline-pglite' : 'baseline';
    return { name, url: await listenLocal(app), statements: db.statements, close: () => down.run() };
  });
}
