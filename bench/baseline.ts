// Owns the baseline: the least a Fastify 5 server on the same pg driver can do for a two-request
// flow. POST /pair inserts one row, POST /pair/:id updates it; one statement per request through a
// pg.Pool as large as Verity's, in a schema of its own. No validation, auth, hooks or logging.
import crypto from 'node:crypto';
import Fastify from 'fastify';
import pg from 'pg';
import { statementLog } from './counting-db.ts';
import { createSchema, dropSchema } from './schema.ts';
import type { Target } from './target.ts';

export async function startBaseline(options: { databaseUrl: string; poolSize: number }): Promise<Target> {
  const schema = await createSchema(options.databaseUrl, 'pairs');
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: options.poolSize, options: `-c search_path=${schema}` });
  pool.on('error', () => undefined);
  const app = Fastify();
  try {
    await pool.query('CREATE TABLE bench_pairs (id uuid PRIMARY KEY, value text NOT NULL, created_at timestamptz NOT NULL)');
    const log = statementLog();
    const query = (sql: string, params: unknown[]) => log.time(sql, () => pool.query(sql, params));

    app.post<{ Body: { value?: string } }>('/pair', async (request, reply) => {
      const id = crypto.randomUUID();
      await query('INSERT INTO bench_pairs (id, value, created_at) VALUES ($1, $2, now())', [id, request.body.value ?? '']);
      return reply.code(201).send({ id });
    });
    app.post<{ Params: { id: string } }>('/pair/:id', async (request, reply) => {
      const { rows } = await query(`UPDATE bench_pairs SET value = value || 'x' WHERE id = $1 RETURNING *`, [request.params.id]);
      if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
      return rows[0];
    });

    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    return {
      name: 'baseline',
      url: `http://127.0.0.1:${port}`,
      statements: log,
      async close() {
        await app.close();
        await pool.end();
        await dropSchema(options.databaseUrl, schema);
      },
    };
  } catch (error) {
    await app.close();
    await pool.end();
    await dropSchema(options.databaseUrl, schema);
    throw error;
  }
}
