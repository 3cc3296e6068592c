// Owns the OTP suite's baseline: the least a Fastify 5 server on the same pg driver can do for a
// two-request flow. POST /pair inserts one row, POST /pair/:id updates it; one statement per request
// through a pg.Pool as large as Verity's, in a schema of its own. No validation, auth, hooks or logging.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import { building, listenLocal } from './lifecycle.ts';
import { bareDb } from './schema.ts';
import type { Target } from './target.ts';

export function startBaseline(options: { databaseUrl: string; poolSize: number }): Promise<Target> {
  return building(async (down) => {
    const db = await bareDb(options.databaseUrl, 'pairs', options.poolSize, down);
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
    return { name: 'baseline', url: await listenLocal(app), statements: db.statements, close: () => down.run() };
  });
}
