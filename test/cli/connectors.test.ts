// connectors commands in process: create goes through the Management API's validation and sealing,
// list shows no config, show masks every credential (table and JSON), delete removes it.
import { describe, expect, it } from 'vitest';
import { maskSecrets, MASK } from '../../src/cli/commands/connectors.ts';
import { testCli } from '../helpers/cli.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();
const cli = testCli(t, { names: { 'sms.example.com': '93.184.216.34' } });
const SECRET = 'webhook-signing-secret-42';
const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: 'Code {{code}}' }));

describe('connectors', () => {
  it('create seals the config; list and show never print the secret', async () => {
    const config = { url: 'https://sms.example.com/send', secret: SECRET, templates };
    const created = await cli.run('connectors', 'create', 'verity-sms-webhook', JSON.stringify(config), '--json');
    expect(created.code, created.err).toBe(0);
    const { id } = JSON.parse(created.out) as { id: string };
    const [row] = await t.db.query<{ config: string }>('SELECT config FROM connectors WHERE id = $1', [id]);
    expect(row!.config).not.toContain(SECRET);

    const list = await cli.run('connectors', 'list');
    expect(list.out.split('\n')[0]).toMatch(/^ID\s+FACTORY\s+TYPE\s+TARGET$/);
    expect(list.out).toMatch(new RegExp(`${id}\\s+verity-sms-webhook\\s+Sms`));
    for (const args of [['connectors', 'show', id], ['connectors', 'show', id, '--json'], ['connectors', 'list', '--json']]) {
      const run = await cli.run(...args);
      expect(run.code, run.err).toBe(0);
      expect(run.out).not.toContain(SECRET);
    }
    const shown = JSON.parse((await cli.run('connectors', 'show', id, '--json')).out) as { config: Record<string, unknown> };
    expect(shown.config).toMatchObject({ url: 'https://sms.example.com/send', secret: MASK });

    expect((await cli.run('connectors', 'delete', id)).out).toBe(`deleted ${id}\n`);
    expect((await cli.run('connectors', 'show', id)).code).toBe(1);
  });

  it('refuses what the Management API refuses', async () => {
    const bad = await cli.run('connectors', 'create', 'verity-sms-webhook', '{"url":"https://sms.example.com/send"}');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('connector.invalid_config');
    const refused = await cli.run('connectors', 'create', 'verity-sms-webhook', JSON.stringify({ url: 'http://10.0.0.1/x', templates }));
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('connector.invalid_config');
    expect((await cli.run('connectors', 'create', 'no-such-factory', '{}')).err).toContain('connector.not_found_with_connector_id');
    expect((await cli.run('connectors', 'create', 'verity-sms-webhook', '[1]')).code).toBe(2);
  });

  it('masks credentials at any depth', () => {
    const smtp = { host: 'mail', auth: { user: 'u', pass: 'p' }, customHeaders: { Authorization: 'Bearer x', 'X-Trace': 't' } };
    expect(maskSecrets(smtp)).toEqual({ host: 'mail', auth: { user: 'u', pass: MASK }, customHeaders: { Authorization: MASK, 'X-Trace': 't' } });
    expect(maskSecrets({ clientId: 'c', clientSecret: 's', privateKey: { key: 'k', passphrase: 'p' } })).toEqual({
      clientId: 'c',
      clientSecret: MASK,
      privateKey: { key: MASK, passphrase: MASK },
    });
  });
});
