// What the real process says at start: in production one warning block naming what is missing or risky
// (none for a complete setup), one line on an end-of-life Node.js (by process.version: CI runs 20 and 24),
// one warning the first time a request's origin disagrees with VERITY_PUBLIC_URL; in development one
// log line per request.
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, stopAllServers, type ServerProcess } from '../helpers/server-process.ts';

const SECRET = 'process-test-secret-0123456789-abcdefghijklmnop';
const OLD_NODE = Number(process.versions.node.split('.')[0]) < 22;

afterAll(stopAllServers);

/** The production (JSON) log entries at warn and above. */
const warnings = (server: ServerProcess) =>
  server.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string })
    .filter((entry) => entry.level >= 40)
    .map((entry) => entry.msg);

const waitFor = async (check: () => boolean) => {
  for (let i = 0; i < 50 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
};

function expectNodeLine(server: ServerProcess) {
  const lines = warnings(server).filter((msg) => msg.includes('end of life'));
  expect(lines).toEqual(OLD_NODE ? [`Node ${process.versions.node} is end of life; run Verity on Node 24 LTS`] : []);
}

describe('production start warnings', () => {
  it('one block naming each missing thing; one warning for a request at another origin', { timeout: 60_000 }, async () => {
    const server = await startServer({ env: { VERITY_MODE: 'production', VERITY_SECRET: SECRET, LOG_LEVEL: 'warn' } });
    const blocks = warnings(server).filter((msg) => msg.startsWith('Production start:'));
    expect(blocks).toHaveLength(1);
    const block = blocks[0]!;
    expect(block).toMatch(/^Production start: 4 things missing or risky\n/);
    expect(block).toContain('no SMS connector');
    expect(block).toContain('no email connector');
    expect(block).toContain('no Management API application');
    expect(block).toContain(`VERITY_PUBLIC_URL is not set (so http://localhost:${server.port})`);
    expectNodeLine(server);

    // Probes call the port directly: never checked (a readiness probe must not spend the warning).
    for (const probe of ['/api/status', '/api/health/ready']) await (await fetch(`${server.url}${probe}`)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 300)); // the log line would be written by now
    expect(warnings(server).filter((msg) => msg.startsWith('A request arrived'))).toEqual([]);

    // The public URL names localhost; the test reaches 127.0.0.1: warned once, naming both.
    for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/oidc/.well-known/openid-configuration`)).arrayBuffer();
    await waitFor(() => warnings(server).some((msg) => msg.startsWith('A request arrived')));
    const mismatches = warnings(server).filter((msg) => msg.startsWith('A request arrived'));
    expect(mismatches).toEqual([expect.stringContaining(`A request arrived at ${server.url} but VERITY_PUBLIC_URL is http://localhost:${server.port}`)]);
  });

  it('a complete setup behind a trusted proxy starts without the block', { timeout: 60_000 }, async () => {
    const server = await startServer({
      env: {
        VERITY_MODE: 'production',
        VERITY_SECRET: SECRET,
        LOG_LEVEL: 'warn',
        VERITY_PUBLIC_URL: 'https://id.example.com',
        VERITY_TRUST_PROXY: 'true',
        VERITY_SMS_CONNECTOR: 'webhook',
        VERITY_SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
        VERITY_SMTP_URL: 'smtp://127.0.0.1:9',
        VERITY_ADMIN_CLIENT_ID: 'admin0123456789',
        VERITY_ADMIN_CLIENT_SECRET: 'admin-secret-0123456789',
      },
    });
    const forwarded = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'id.example.com' };
    const discovery = (await (await fetch(`${server.url}/oidc/.well-known/openid-configuration`, { headers: forwarded })).json()) as Record<string, string>;
    // The provider builds its endpoint URLs from the request's forwarded scheme and host (docs/reverse-proxy.md).
    expect(discovery).toMatchObject({ issuer: 'https://id.example.com/oidc', token_endpoint: 'https://id.example.com/oidc/token' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(warnings(server).filter((msg) => !msg.includes('end of life'))).toEqual([]);
    expectNodeLine(server);
  });
});

describe('development request logs', () => {
  it('one line per request, by its path', { timeout: 60_000 }, async () => {
    const server = await startServer({ env: { LOG_LEVEL: 'info' } });
    await (await fetch(`${server.url}/oidc/.well-known/openid-configuration?probe=query-value-123`)).arrayBuffer();
    await waitFor(() => server.stdout.includes('GET /oidc/.well-known/openid-configuration'));
    const lines = server.stdout.split('\n').filter((line) => line.includes('openid-configuration'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/INFO.*GET \/oidc\/\.well-known\/openid-configuration 200 \d+\.\dms/);
    expect(server.stdout).not.toContain('query-value-123');
    expect(server.stdout).not.toContain('incoming request');
  });
});
