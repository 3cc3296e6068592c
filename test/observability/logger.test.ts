// The process logger with Fastify's own request logging: a request is logged by its path, so the one-time
// codes and tokens some URLs carry in their query (the social and SSO callbacks, id_token_hint) never
// reach a log line; credentials in headers stay redacted.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.ts';

describe('request logging', () => {
  it('logs the path without the query, and no credential header', async () => {
    const lines: string[] = [];
    const logger = createLogger({ LOG_LEVEL: 'info', mode: 'production' }, { write: (line: string) => void lines.push(line) });
    const app = Fastify({ loggerInstance: logger });
    app.get('/callback/social/:id', async () => 'ok');
    await app.inject({ method: 'GET', url: '/callback/social/abc?code=one-time-code-123&state=s', headers: { authorization: 'Bearer tok-456' } });
    await app.close();
    const text = lines.join('');
    expect(text).toContain('/callback/social/abc');
    expect(text).not.toContain('one-time-code-123');
    expect(text).not.toContain('tok-456');
    expect(lines.some((line) => JSON.parse(line).req?.url === '/callback/social/abc')).toBe(true);
  });
});
