// The safety net behind the text guard: a statement the database refuses because of a value in it
// (invalid byte sequence, unsupported Unicode escape, numeric out of range, invalid text
// representation, invalid regular expression) is the caller's 400 in each family's body, never a
// 500; a failure that is not the caller's stays a 500. Real statements on the test database (PGlite
// or PostgreSQL) behind the real error handler, on one probe route per family.
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from '../../src/http/errors.ts';
import { readOnlyStatement } from '../../src/storage/db.ts';
import { useTestDb } from '../helpers/db.ts';

const store = useTestDb();
let app: FastifyInstance;

// Each refused value with the statement that receives it as a bound parameter.
const REFUSED: Record<string, [string, unknown]> = {
  nul: ['SELECT $1::text AS v', 'a\u0000b'],
  'json NUL escape': ['SELECT $1::jsonb AS v', '"\\u0000"'],
  'json lone surrogate': ['SELECT $1::jsonb AS v', '"\\ud800"'],
  'integer out of range': ['SELECT $1::int AS v', '99999999999'],
  'not a number': ['SELECT $1::int AS v', 'NaN-ish'],
  'invalid regular expression': ["SELECT 'x' ~ $1 AS v", '('],
  'dangling LIKE escape': ["SELECT 'x' LIKE $1 AS v", '\\'],
};

beforeAll(async () => {
  app = Fastify();
  registerErrorHandling(app, { retryAfterSeconds: 2 });
  for (const prefix of ['/otp', '/api', '/oidc']) {
    app.get<{ Params: { kind: string } }>(`${prefix}/probe/:kind`, async (request) => {
      if (request.params.kind === 'fault') return store.db.query('SELECT * FROM no_such_table');
      const [sql, value] = REFUSED[request.params.kind]!;
      return store.db.query(sql, [value]);
    });
  }
  await app.ready();
});
afterAll(() => app?.close());

const probe = async (prefix: string, kind: string) => {
  const response = await app.inject({ method: 'GET', url: `${prefix}/probe/${encodeURIComponent(kind)}` });
  return { status: response.statusCode, body: response.json() };
};

describe('values the database refuses', () => {
  it.each(Object.keys(REFUSED))('%s: 400 in every family', async (kind) => {
    expect(await probe('/otp', kind)).toEqual({
      status: 400,
      body: { error: { type: 'invalid_param', code: 1012, message: expect.any(String), uri: '/api/docs#tag/otp-1012' } },
    });
    expect(await probe('/api', kind)).toMatchObject({ status: 400, body: { code: 'guard.invalid_input', details: 'request holds a value the database cannot store' } });
    expect(await probe('/oidc', kind)).toEqual({ status: 400, body: { error: 'invalid_request', error_description: 'request holds a value the database cannot store' } });
  });

  it('a fault that is not the caller’s stays a 500', async () => {
    expect(await probe('/otp', 'fault')).toMatchObject({ status: 500, body: { error: { code: 1008 } } });
    expect(await probe('/api', 'fault')).toEqual({ status: 500, body: { message: 'Internal server error.' } });
    expect(await probe('/oidc', 'fault')).toMatchObject({ status: 500, body: { error: 'server_error' } });
  });
});

describe('which statements a broken connection may run again', () => {
  it('only statements that read: no writing keyword, no function with side effects', () => {
    expect(readOnlyStatement('SELECT * FROM users WHERE id = $1')).toBe(true);
    expect(readOnlyStatement('  with x AS (SELECT 1) SELECT * FROM x')).toBe(true);
    expect(readOnlyStatement('WITH x AS (UPDATE users SET name = $1 RETURNING id) SELECT * FROM x')).toBe(false);
    expect(readOnlyStatement('SELECT * FROM codes WHERE id = $1 FOR UPDATE')).toBe(false);
    expect(readOnlyStatement("SELECT nextval('s')")).toBe(false);
    expect(readOnlyStatement('SELECT pg_advisory_lock(1)')).toBe(false);
    expect(readOnlyStatement('INSERT INTO t VALUES (1)')).toBe(false);
    expect(readOnlyStatement('DELETE FROM t')).toBe(false);
  });
});
