// The production start warnings: the pure rules (one block naming each missing or risky thing, nothing in
// development or for a complete setup), the end-of-life Node line, the facts read from a real database,
// and the run-time public URL check (one warning per process, naming both origins; probes left out).
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { SenderDirectory } from '../../src/connectors/types.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { publicUrlMismatch, registerPublicUrlCheck } from '../../src/observability/public-url-check.ts';
import { nodeVersionWarning, publicUrlProblem, readStartFacts, startWarnings, type StartFacts } from '../../src/observability/start-warnings.ts';
import { upsertAdminClient } from '../../src/storage/repos/apps.ts';
import { useTestDb } from '../helpers/db.ts';

const complete: StartFacts = {
  mode: 'production',
  publicUrl: 'https://id.example.com',
  publicUrlSet: true,
  sms: 'twilio',
  email: 'smtp',
  adminApplication: true,
};

describe('startWarnings', () => {
  it('says nothing for a complete production setup, nor in development', () => {
    expect(startWarnings(complete)).toBeNull();
    expect(startWarnings({ ...complete, mode: 'development', sms: null, email: null, adminApplication: false, publicUrl: 'http://localhost:3001' })).toBeNull();
  });

  it('names every missing or risky thing in one block', () => {
    const block = startWarnings({ ...complete, sms: null, email: null, adminApplication: false, publicUrl: 'http://localhost:3001', publicUrlSet: false })!;
    const lines = block.split('\n');
    expect(lines[0]).toBe('Production start: 4 things missing or risky');
    expect(lines.slice(1).map((line) => line.split(':')[0])).toEqual([
      '  - no SMS connector',
      '  - no email connector',
      '  - no Management API application',
      '  - VERITY_PUBLIC_URL is not set (so http',
    ]);
    expect(startWarnings({ ...complete, email: null })).toBe(
      'Production start: 1 thing missing or risky\n  - no email connector: codes to email addresses cannot be sent (set VERITY_SMTP_URL, or add one: `npm run verity -- connectors create`)',
    );
  });

  it('flags a public URL on a loopback name or on plain http', () => {
    expect(publicUrlProblem('https://id.example.com', true)).toBeNull();
    expect(publicUrlProblem('http://127.0.0.1:3001', true)).toMatch(/^VERITY_PUBLIC_URL is http:\/\/127\.0\.0\.1:3001: the OIDC issuer http:\/\/127\.0\.0\.1:3001\/oidc names this machine/);
    expect(publicUrlProblem('https://localhost', true)).toMatch(/names this machine/);
    expect(publicUrlProblem('http://id.example.com', true)).toMatch(/^VERITY_PUBLIC_URL is http:\/\/id\.example\.com: not https/);
  });
});

describe('nodeVersionWarning', () => {
  it('one line before Node 22, none from 22 on', () => {
    expect(nodeVersionWarning('v20.19.0')).toBe('Node 20.19.0 is end of life; run Verity on Node 24 LTS');
    expect(nodeVersionWarning('v18.20.1')).toBe('Node 18.20.1 is end of life; run Verity on Node 24 LTS');
    expect(nodeVersionWarning('v22.12.0')).toBeNull();
    expect(nodeVersionWarning('v24.1.0')).toBeNull();
  });
});

describe('readStartFacts', () => {
  const t = useTestDb();
  const senders = (sms: string | null): SenderDirectory => ({
    resolve: async (channel) => (channel === 'sms' && sms ? ({ connectorId: 'c', sender: { name: sms } } as never) : undefined),
    invalidate() {},
    close: async () => {},
  });
  const config = { mode: 'production' as const, publicUrl: 'https://id.example.com' };

  it('reads the connectors and whether an application holds the Management API scope', async () => {
    expect(await readStartFacts({ db: t.db, senders: senders('webhook') }, config)).toEqual({ ...config, publicUrlSet: false, sms: 'webhook', email: null, adminApplication: false });
    await upsertAdminClient(t.db, { id: 'admin0123', name: 'admin', secretHash: 'x'.repeat(64), callbackSecret: 'x' });
    const facts = await readStartFacts({ db: t.db, senders: senders(null) }, { ...config, VERITY_PUBLIC_URL: 'https://id.example.com' });
    expect(facts).toMatchObject({ sms: null, adminApplication: true, publicUrlSet: true });
  });
});

describe('the public URL check at run time', () => {
  it('names both origins', () => {
    expect(publicUrlMismatch('https://id.example.com/', 'https://id.example.com', true)).toBeNull();
    expect(publicUrlMismatch('https://id.example.com', 'http://10.0.0.5:3001', false)).toMatch(
      /^A request arrived at http:\/\/10\.0\.0\.5:3001 but VERITY_PUBLIC_URL is https:\/\/id\.example\.com: behind a TLS proxy, set VERITY_TRUST_PROXY=true/,
    );
  });

  it('warns once per origin (three at most), for forwarded headers that disagree; probes and agreeing requests never', async () => {
    const lines: string[] = [];
    const logger = createLogger({ LOG_LEVEL: 'warn', mode: 'production' }, { write: (line: string) => void lines.push(line) });
    const app = Fastify({ loggerInstance: logger as FastifyBaseLogger, trustProxy: true });
    registerPublicUrlCheck(app, { publicUrl: 'https://id.example.com', VERITY_TRUST_PROXY: true });
    app.get('/*', async () => 'ok');
    const forwarded = (proto: string, host: string) => ({ 'x-forwarded-proto': proto, 'x-forwarded-host': host });
    await app.inject({ url: '/oidc/auth', headers: forwarded('https', 'id.example.com') });
    await app.inject({ url: '/api/status', headers: forwarded('http', 'internal:3001') });
    await app.inject({ url: '/metrics' });
    await app.inject({ url: '/api/health/ready', headers: forwarded('http', 'internal:3001') });
    expect(lines).toEqual([]);
    await app.inject({ url: '/sign-in', headers: forwarded('http', 'id.example.com') });
    await app.inject({ url: '/sign-in', headers: forwarded('http', 'id.example.com') });
    for (const host of ['a.example.com', 'b.example.com', 'c.example.com']) await app.inject({ url: '/sign-in', headers: forwarded('https', host) });
    await app.close();
    const messages = lines.map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(messages.map((m) => m.level)).toEqual([40, 40, 40]);
    expect(messages[0]!.msg).toContain('A request arrived at http://id.example.com but VERITY_PUBLIC_URL is https://id.example.com');
    expect(messages.slice(1).map((m) => /arrived at (\S+)/.exec(m.msg)?.[1])).toEqual(['https://a.example.com', 'https://b.example.com']);
  });
});
