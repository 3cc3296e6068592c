// Connector choice from configuration: explicit settings win, development defaults to the outbox,
// production never does.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/index.ts';
import { createSenders, describeSenders } from '../../src/connectors/index.ts';

let dataDir: string;
const logger = { info: () => {}, warn: () => {}, error: () => {} };
const prod = { VERITY_MODE: 'production', VERITY_SECRET: 'x'.repeat(32) };
const build = (env: Record<string, string>) => createSenders(loadConfig({ VERITY_DATA_DIR: dataDir, ...env }), { logger });

beforeAll(() => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-senders-'));
});

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('createSenders', () => {
  it('uses the outbox for both channels in development by default', async () => {
    const senders = build({ VERITY_MODE: 'development' });
    expect(senders.sms).toMatchObject({ name: 'outbox', channel: 'sms' });
    expect(senders.email).toMatchObject({ name: 'outbox', channel: 'email' });
    expect(describeSenders(senders)).toBe('sms: outbox, email: outbox');
    await senders.close();
  });

  it('configures nothing in production by default', async () => {
    const senders = build(prod);
    expect(senders.sms).toBeUndefined();
    expect(senders.email).toBeUndefined();
    expect(describeSenders(senders)).toBe('sms: none, email: none');
    await senders.close();
  });

  it('picks smtp when only an SMTP URL is set, in either mode', async () => {
    for (const mode of [{ VERITY_MODE: 'development' }, prod]) {
      const senders = build({ ...mode, VERITY_SMTP_URL: 'smtp://u:p@127.0.0.1:2525' });
      expect(senders.email).toMatchObject({ name: 'smtp', channel: 'email' });
      await senders.close();
    }
  });

  it('honours explicit connectors over the mode defaults', async () => {
    const dev = build({
      VERITY_MODE: 'development',
      VERITY_SMS_CONNECTOR: 'none',
      VERITY_EMAIL_CONNECTOR: 'none',
      VERITY_SMTP_URL: 'smtp://u:p@127.0.0.1:2525',
    });
    expect(dev.sms).toBeUndefined();
    expect(dev.email).toBeUndefined();
    await dev.close();

    const webhook = build({
      ...prod,
      VERITY_SMS_CONNECTOR: 'webhook',
      VERITY_SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
      VERITY_SMS_WEBHOOK_SECRET: 'webhook-secret-0123456789',
      VERITY_EMAIL_CONNECTOR: 'smtp',
      VERITY_SMTP_URL: 'smtps://u:p@127.0.0.1:465',
    });
    expect(describeSenders(webhook)).toBe('sms: webhook, email: smtp');
    await webhook.close();

    const twilio = build({
      ...prod,
      VERITY_SMS_CONNECTOR: 'twilio',
      VERITY_TWILIO_ACCOUNT_SID: 'AC123',
      VERITY_TWILIO_AUTH_TOKEN: 'token',
      VERITY_TWILIO_FROM: '+15005550000',
    });
    expect(twilio.sms).toMatchObject({ name: 'twilio', channel: 'sms' });
    expect(twilio.email).toBeUndefined();
    await twilio.close();

    const devOutboxSmsOnly = build({ VERITY_MODE: 'development', VERITY_EMAIL_CONNECTOR: 'none' });
    expect(describeSenders(devOutboxSmsOnly)).toBe('sms: outbox, email: none');
    await devOutboxSmsOnly.close();
  });

  it('never builds the outbox in production, even from a hand-made config', () => {
    const config = { ...loadConfig({ ...prod, VERITY_DATA_DIR: dataDir }), VERITY_SMS_CONNECTOR: 'outbox' as const };
    expect(() => createSenders(config, { logger })).toThrow(/development only/);
    expect(() => loadConfig({ ...prod, VERITY_EMAIL_CONNECTOR: 'outbox' })).toThrow(/development only/);
  });

  it('refuses a chosen connector with a missing setting', () => {
    const config = { ...loadConfig({ ...prod, VERITY_DATA_DIR: dataDir }), VERITY_SMS_CONNECTOR: 'webhook' as const };
    expect(() => createSenders(config, { logger })).toThrow(/VERITY_SMS_WEBHOOK_URL/);
  });
});
