// Connectors from configuration land in the connectors table: explicit settings replace the stored
// connector of their type, development's implicit outbox only fills an empty slot, production
// never gets the outbox. The sender directory then sends through whatever the table holds.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { guardSettingsOf } from '../../src/connectors/guard.ts';
import { createKeyring } from '../../src/crypto/keyring.ts';
import { checkConfiguredAddresses, configuredConnector, syncConfiguredConnectors } from '../../src/domain/connectors/configured.ts';
import { createConnector, deleteConnector, listConnectors } from '../../src/domain/connectors/index.ts';
import { createSenderDirectory, describeSenders } from '../../src/domain/connectors/senders.ts';
import { testClock } from '../helpers/clock.ts';
import { useTestDb } from '../helpers/db.ts';
import { startSmsGateway, type SmsGateway } from '../helpers/sms-gateway.ts';
import { testEgress } from '../helpers/egress.ts';

const handle = useTestDb();
let dataDir: string;
let gateway: SmsGateway;
const logger = { info: () => {}, warn: () => {}, error: () => {} };
const keyring = createKeyring(['connector-test-secret-0123456789abcdef']);
const prod = { VERITY_MODE: 'production', VERITY_SECRET: 'x'.repeat(32) };
// The names the configurations below use resolve to a public address (nothing connects to it here).
const egress = testEgress({ names: { 'api.twilio.com': '8.8.8.8', 'mail.example.com': '8.8.4.4' } });

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-senders-'));
  gateway = await startSmsGateway();
});

afterAll(async () => {
  await gateway.close();
  await egress.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const deps = (mode: 'development' | 'production') => ({ db: handle.db, keyring, clock: testClock(), mode, dataDir, egress });
const config = (env: Record<string, string>) => loadConfig({ VERITY_DATA_DIR: dataDir, ...env });
const clear = async () => {
  await handle.db.query('DELETE FROM connectors');
};
const directory = (mode: 'development' | 'production', cacheMs = 0) => createSenderDirectory({ ...deps(mode), logger, cacheMs, guard: guardSettingsOf(loadConfig({})) });

describe('connectors from configuration', () => {
  it('development: the outbox for both channels, stored and listed', async () => {
    await clear();
    expect(await syncConfiguredConnectors(deps('development'), config({ VERITY_MODE: 'development' }))).toEqual([
      'sms: verity-outbox-sms',
      'email: verity-outbox-email',
    ]);
    const listed = await listConnectors(deps('development'));
    expect(listed.map((c) => c.connectorId).sort()).toEqual(['verity-outbox-email', 'verity-outbox-sms']);
    const senders = directory('development');
    expect(await describeSenders(senders)).toBe('sms: outbox, email: outbox');
    await senders.close();
  });

  it("the implicit outbox never replaces an operator's connector, and a restart writes nothing", async () => {
    await clear();
    const d = deps('development');
    await createConnector(d, { connectorId: 'verity-sms-webhook', config: webhookConfig(gateway.url) });
    expect(await syncConfiguredConnectors(d, config({ VERITY_MODE: 'development', VERITY_EMAIL_CONNECTOR: 'none' }))).toEqual([]);
    expect((await listConnectors(d)).map((c) => c.connectorId)).toEqual(['verity-sms-webhook']);
  });

  it('production: nothing by default', async () => {
    await clear();
    expect(await syncConfiguredConnectors(deps('production'), config(prod))).toEqual([]);
    const senders = directory('production');
    expect(await describeSenders(senders)).toBe('sms: none, email: none');
  });

  it('explicit settings replace the stored connector of their type and keep its id; unchanged ones are not rewritten', async () => {
    await clear();
    const d = deps('production');
    const before = await createConnector(d, { connectorId: 'verity-sms-webhook', config: webhookConfig('http://127.0.0.1:9/old') });
    const env = config({
      ...prod,
      VERITY_SMS_CONNECTOR: 'twilio',
      VERITY_TWILIO_ACCOUNT_SID: 'AC123',
      VERITY_TWILIO_AUTH_TOKEN: 'token',
      VERITY_TWILIO_FROM: '+15005550000',
      VERITY_SMTP_URL: 'smtps://mailer%40example.com:p%40ss@mail.example.com',
    });
    expect(await syncConfiguredConnectors(d, env)).toEqual(['sms: twilio-short-message-service', 'email: simple-mail-transfer-protocol']);
    const listed = await listConnectors(d);
    const sms = listed.find((c) => c.type === 'Sms')!;
    expect(sms).toMatchObject({ id: before.id, connectorId: 'twilio-short-message-service' });
    expect(sms.config).toMatchObject({ accountSID: 'AC123', fromMessagingServiceSID: '+15005550000', baseUrl: 'https://api.twilio.com' });
    const email = listed.find((c) => c.type === 'Email')!;
    expect(email.config).toMatchObject({ host: 'mail.example.com', port: 465, secure: true, auth: { user: 'mailer@example.com', pass: 'p@ss' } });
    expect((email.config.templates as unknown[]).length).toBe(4);
    expect(await syncConfiguredConnectors(d, env)).toEqual([]);
  });

  it('refuses the outbox in production and a chosen connector without its settings', async () => {
    const hand = { ...config(prod), VERITY_SMS_CONNECTOR: 'outbox' as const };
    await expect(syncConfiguredConnectors(deps('production'), hand)).rejects.toThrow(/development only/);
    expect(() => configuredConnector({ ...config(prod) }, 'webhook', 'sms')).toThrow(/VERITY_SMS_WEBHOOK_URL/);
  });
});

describe('connector addresses from the environment', () => {
  const strict = testEgress({ allow: '', names: { 'api.twilio.com': '8.8.8.8', 'sms.rebound.example': '10.1.2.3' } });
  afterAll(() => strict.close());
  const strictDeps = () => ({ ...deps('production'), egress: strict });

  it('a refused address stops the start before anything is written, naming each variable and VERITY_EGRESS_ALLOW', async () => {
    await clear();
    const env = config({ ...prod, VERITY_SMS_CONNECTOR: 'webhook', VERITY_SMS_WEBHOOK_URL: 'http://2130706433:8080/sms', VERITY_SMTP_URL: 'smtp://u:p@[::ffff:a9fe:a9fe]:25' });
    const error: Error = await syncConfiguredConnectors(strictDeps(), env).then(
      () => new Error('no error'),
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toContain('VERITY_SMS_WEBHOOK_URL: address not allowed (loopback); to allow it, list it in VERITY_EGRESS_ALLOW');
    expect(error.message).toContain('VERITY_SMTP_URL: address not allowed (link-local); to allow it, list it in VERITY_EGRESS_ALLOW');
    expect(error.message).not.toContain('u:p');
    expect(await listConnectors(strictDeps())).toEqual([]);

    const twilio = config({ ...prod, VERITY_SMS_CONNECTOR: 'twilio', VERITY_TWILIO_ACCOUNT_SID: 'AC1', VERITY_TWILIO_AUTH_TOKEN: 't', VERITY_TWILIO_FROM: 'MG1', VERITY_TWILIO_BASE_URL: 'http://sms.rebound.example' });
    await expect(checkConfiguredAddresses(strictDeps(), twilio)).rejects.toThrow('VERITY_TWILIO_BASE_URL: address not allowed (private)');
  });

  it('the default Twilio URL and allowed addresses pass; an unused variable is not checked', async () => {
    await clear();
    const twilio = config({ ...prod, VERITY_SMS_CONNECTOR: 'twilio', VERITY_TWILIO_ACCOUNT_SID: 'AC1', VERITY_TWILIO_AUTH_TOKEN: 't', VERITY_TWILIO_FROM: 'MG1', VERITY_SMS_WEBHOOK_URL: 'http://127.0.0.1/unused' });
    await checkConfiguredAddresses(strictDeps(), twilio);
    const opened = config({ ...prod, VERITY_SMS_CONNECTOR: 'webhook', VERITY_SMS_WEBHOOK_URL: 'http://127.0.0.1:8080/sms', VERITY_EGRESS_ALLOW: '127.0.0.1' });
    const open = testEgress({ allow: opened.VERITY_EGRESS_ALLOW });
    await checkConfiguredAddresses({ egress: open }, opened).finally(() => open.close());
    await expect(checkConfiguredAddresses(strictDeps(), opened)).rejects.toThrow('VERITY_SMS_WEBHOOK_URL');
  });
});

describe('sender directory', () => {
  it('sends through the stored connector and follows changes and deletion', async () => {
    await clear();
    const d = deps('production');
    const senders = directory('production');
    expect(await senders.resolve('sms')).toBeUndefined();
    const created = await createConnector(d, { connectorId: 'verity-sms-webhook', config: webhookConfig(gateway.url) });
    const delivery = (await senders.resolve('sms'))!;
    expect(delivery.connectorId).toBe(created.id);
    expect(delivery.template('SignIn')?.content).toContain('{{code}}');
    expect(delivery.template('Nope')).toBeUndefined();
    await delivery.sender.send({ channel: 'sms', to: '+15005550006', text: 'hello 123456', code: '123456', purpose: 'SignIn' });
    expect(gateway.messages.at(-1)).toMatchObject({ to: '+15005550006', text: 'hello 123456' });
    await deleteConnector(d, created.id);
    expect(await senders.resolve('sms')).toBeUndefined();
    await senders.close();
  });

  it('caches for cacheMs and shares one lookup between concurrent sends', async () => {
    await clear();
    const d = deps('production');
    await createConnector(d, { connectorId: 'verity-sms-webhook', config: webhookConfig(gateway.url) });
    const senders = directory('production', 60_000);
    const all = await Promise.all(Array.from({ length: 10 }, () => senders.resolve('sms')));
    expect(new Set(all.map((x) => x?.sender)).size).toBe(1);
    await clear();
    expect(await senders.resolve('sms')).toBe(all[0]); // still cached
    senders.invalidate();
    expect(await senders.resolve('sms')).toBeUndefined();
  });

  it('skips an outbox row in production', async () => {
    await clear();
    await createConnector(deps('development'), { connectorId: 'verity-outbox-sms', config: {} });
    expect(await directory('production').resolve('sms')).toBeUndefined();
    expect((await directory('development').resolve('sms'))?.sender.name).toBe('outbox');
  });
});

function webhookConfig(url: string) {
  const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({ usageType, content: `${usageType} {{code}}` }));
  return { url, templates };
}
