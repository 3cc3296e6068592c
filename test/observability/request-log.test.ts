// One log entry per request: the log controller (app.ts uses the same) writes `GET /path 204 1.2ms` with
// the request id; JSON in production (with the request by its path, the status
// and the time), one readable line in development. No query string reaches either.
import { Writable } from 'node:stream';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';
import { requestLogController } from '../../src/observability/request-log.ts';

/** A Fastify app as buildApp sets up its logging, writing to `lines`. */
async function appLogging(mode: 'development' | 'production') {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      pending += String(chunk);
      const parts = pending.split('\n');
      pending = parts.pop()!;
      lines.push(...parts);
      done();
    },
  });
  const logger = createLogger({ LOG_LEVEL: 'info', mode }, stream);
  const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, logController: requestLogController(), genReqId: () => 'req-1234' });
  app.get('/api/status', async (_request, reply) => reply.code(204).send());
  app.get('/callback/:id', async () => 'ok');
  return { app, lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('request logging', () => {
  it('production: one JSON line per request with method, path, status, time and request id', async () => {
    const { app, lines } = await appLogging('production');
    await app.inject({ method: 'GET', url: '/callback/abc?code=one-time-code-123' });
    await app.close();
    expect(lines).toHaveLength(1);
    const entry = JSON.parse(lines[0]!);
    expect(entry.msg).toMatch(/^GET \/callback\/abc 200 \d+\.\dms$/);
    expect(entry).toMatchObject({ level: 30, reqId: 'req-1234', req: { method: 'GET', url: '/callback/abc' }, res: { statusCode: 200 } });
    expect(typeof entry.responseTime).toBe('number');
    expect(lines[0]).not.toContain('one-time-code-123');
  });

  it('development: one readable line per request, with its request id', async () => {
    const { app, lines } = await appLogging('development');
    await app.inject({ method: 'GET', url: '/api/status' });
    await app.inject({ method: 'GET', url: '/callback/xyz?code=one-time-code-456' });
    await app.inject({ method: 'POST', url: '/nowhere' });
    await app.close();
    await settle();
    expect(lines, lines.join('\n')).toHaveLength(3);
    expect(lines[2]).toMatch(/POST \/nowhere 404/);
    expect(lines[0]).toMatch(/INFO.*GET \/api\/status 204 \d+\.\dms.*req-1234/);
    expect(lines[1]).toMatch(/GET \/callback\/xyz 200/);
    expect(lines.join('\n')).not.toContain('one-time-code-456');
  });
});
