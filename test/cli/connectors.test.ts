// connectors commands in process: create reads the config from stdin (never from the command line) and
// goes through the Management API's validation and sealing; list shows no config; show shows only the
// fields each factory's allowlist knows are not credentials (table and JSON), URLs without userinfo or
// query; delete removes it.
import { describe, expect, it } from 'vitest';
import { CONFIG_VIEWS, viewConfig } from '../../src/cli/connector-view.ts';
import { MASK, redactUrl } from '../../src/cli/redact.ts';
import { factories } from '../../src/domain/connectors/factories.ts';
import { testCli } from '../helpers/cli.ts';
import { useTestDb } from '../helpers/db.ts';

const t = useTestDb();
const cli = testCli(t, { names: { 'sms.example.com': '93.184.216.34' } });
const SECRET = 'webhook-signing-secret-42';
const templates = ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: 'Code {{code}}' }));

describe('connectors', () => {
  it('create reads the config from stdin and seals it; list and show never print a credential', async () => {
    const url = 'https://gateway:url-password-7@sms.example.com/send?token=query-token-9#frag-secret';
    const config = { url, secret: SECRET, templates, apiKeyHeader: 'unknown-key-value' };
    const created = await cli.runWithInput(JSON.stringify(config), 'connectors', 'create', 'verity-sms-webhook', '-', '--json');
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
      for (const secret of [SECRET, 'url-password-7', 'gateway', 'query-token-9', 'frag-secret', 'unknown-key-value']) expect(run.out).not.toContain(secret);
    }
    const shown = JSON.parse((await cli.run('connectors', 'show', id, '--json')).out) as { config: Record<string, unknown> };
    expect(shown.config).toEqual({ url: 'https://…@sms.example.com/send?…#…', secret: MASK, templates, apiKeyHeader: MASK });

    expect((await cli.run('connectors', 'delete', id)).out).toBe(`deleted ${id}\n`);
    expect((await cli.run('connectors', 'show', id)).code).toBe(1);

    // With no argument, stdin too.
    const again = await cli.runWithInput(JSON.stringify({ url: 'https://sms.example.com/send', templates }), 'connectors', 'create', 'verity-sms-webhook');
    expect(again.code, again.err).toBe(0);
    const second = /id:\s+(\S+)/.exec(again.out)![1]!;
    expect((await cli.run('connectors', 'show', second)).out).toContain('"url": "https://sms.example.com/send"');
    expect((await cli.run('connectors', 'delete', second)).code).toBe(0);
  });

  it('refuses a config in the command line (exit 2) without echoing it or creating anything', async () => {
    const before = await t.db.query('SELECT id FROM connectors');
    const inline = JSON.stringify({ url: 'https://sms.example.com/send', secret: SECRET, templates });
    const run = await cli.run('connectors', 'create', 'verity-sms-webhook', inline);
    expect(run.code).toBe(2);
    expect(run.err).toContain('stdin');
    expect(run.out + run.err).not.toContain(SECRET);
    expect(await t.db.query('SELECT id FROM connectors')).toEqual(before);
  });

  it('refuses what the Management API refuses', async () => {
    const bad = await cli.runWithInput('{"url":"https://sms.example.com/send"}', 'connectors', 'create', 'verity-sms-webhook', '-');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('connector.invalid_config');
    const refused = await cli.runWithInput(JSON.stringify({ url: 'http://10.0.0.1/x', templates }), 'connectors', 'create', 'verity-sms-webhook', '-');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('connector.invalid_config');
    expect((await cli.runWithInput('{}', 'connectors', 'create', 'no-such-factory', '-')).err).toContain('connector.not_found_with_connector_id');
    expect((await cli.runWithInput('[1]', 'connectors', 'create', 'verity-sms-webhook', '-')).code).toBe(2);
    expect((await cli.run('connectors', 'create', 'verity-sms-webhook')).code).toBe(2);
  });
});

describe('connectors show: the allowlist', () => {
  it('SMTP: auth secrets, every tls secret, every header value and unknown keys are masked', () => {
    const smtp = {
      host: 'mail.example.com',
      port: 587,
      fromEmail: 'no-reply@example.com',
      auth: { user: 'mailer', pass: 'p', accessToken: 'a', somethingNew: 'n' },
      tls: { rejectUnauthorized: true, pfx: 'PFXDATA', passphrase: 'pp', key: 'KEY' },
      customHeaders: { 'X-Auth': 'xa', Authorization: 'Bearer x', 'X-Trace': ['t1', 't2'] },
      templates: [{ usageType: 'Generic', contentType: 'text/plain', subject: 'S', content: 'C {{code}}', extra: 'e' }],
      futureToken: 'f',
      nested: { deep: 'd' },
    };
    expect(viewConfig('simple-mail-transfer-protocol', smtp)).toEqual({
      host: 'mail.example.com',
      port: 587,
      fromEmail: 'no-reply@example.com',
      auth: { user: 'mailer', pass: MASK, accessToken: MASK, somethingNew: MASK },
      tls: { rejectUnauthorized: true, pfx: MASK, passphrase: MASK, key: MASK },
      customHeaders: { 'X-Auth': MASK, Authorization: MASK, 'X-Trace': MASK },
      templates: [{ usageType: 'Generic', contentType: 'text/plain', subject: 'S', content: 'C {{code}}', extra: MASK }],
      futureToken: MASK,
      nested: MASK,
    });
    // A structure where a scalar belongs is masked whole, never walked with the wrong rules.
    expect(viewConfig('simple-mail-transfer-protocol', { host: { pass: 'p' }, auth: 'user:pass' })).toEqual({ host: MASK, auth: MASK });
  });

  it('social: client secrets, customConfig values and idTokenHint are masked; endpoints lose their query', () => {
    const oidc = {
      clientId: 'client',
      clientSecret: 'cs',
      scope: 'openid',
      tokenEndpoint: 'https://idp.example.com/token?key=k',
      idTokenVerificationConfig: { jwksUri: 'https://u:p@idp.example.com/jwks', issuer: 'https://idp.example.com' },
      authRequestOptionalConfig: { prompt: 'login', idTokenHint: 'eyJ' },
      customConfig: { apiKey: 'k2' },
    };
    expect(viewConfig('oidc', oidc)).toEqual({
      clientId: 'client',
      clientSecret: MASK,
      scope: 'openid',
      tokenEndpoint: 'https://idp.example.com/token?…',
      idTokenVerificationConfig: { jwksUri: 'https://…@idp.example.com/jwks', issuer: 'https://idp.example.com' },
      authRequestOptionalConfig: { prompt: 'login', idTokenHint: MASK },
      customConfig: { apiKey: MASK },
    });
    expect(viewConfig('google-universal', { clientId: 'c', clientSecret: 's', prompts: ['consent'] })).toEqual({ clientId: 'c', clientSecret: MASK, prompts: ['consent'] });
  });

  it('masks everything of a factory it has no view for, and keys that are Object.prototype names', () => {
    expect(viewConfig('no-such-factory', { url: 'https://x', templates })).toEqual({ url: MASK, templates: MASK });
    const tricky = JSON.parse('{"__proto__":{"a":1},"constructor":"c","toString":"t"}') as Record<string, unknown>;
    const view = viewConfig('verity-sms-webhook', tricky);
    expect(Object.entries(view)).toEqual([['__proto__', MASK], ['constructor', MASK], ['toString', MASK]]);
  });

  it('empty values stay visible ("not set"); URLs that do not parse are masked', () => {
    expect(viewConfig('verity-sms-webhook', { secret: '', url: 'not a url with-token' })).toEqual({ secret: '', url: MASK });
    expect(redactUrl('https://sms.example.com:8443/a/b')).toBe('https://sms.example.com:8443/a/b');
  });

  it('every factory has a view that classifies every key of its config schema', () => {
    for (const factory of factories) {
      const view = CONFIG_VIEWS[factory.metadata.id];
      expect(view, factory.metadata.id).toBeDefined();
      const shape = (factory.configGuard as unknown as { shape: Record<string, unknown> }).shape;
      expect(Object.keys(shape).filter((key) => !(key in view!)), factory.metadata.id).toEqual([]);
    }
  });
});
