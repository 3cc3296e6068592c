// Connector factories and /api/connectors C1–C6 (management-core-api.md §5) over HTTP with a real
// Management API token; C6 sends through a real SMTP server, a Twilio-compatible server and the
// SMS webhook gateway, all on loopback.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../src/connectors/outbox.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp-server.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let smtp: SmtpCapture;
let twilio: TestServer;
let token: string;
let twilioStatus = 201;
beforeAll(async () => {
  smtp = await startSmtpServer();
  twilio = await startHttpServer((_req, res) =>
    twilioStatus === 201 ? json(res, 201, { sid: 'SM123' }) : json(res, twilioStatus, { code: 21211, message: "The 'To' number is not valid", status: twilioStatus }),
  );
  t = await startTestApp();
  token = await managementToken(t);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
  await twilio.close();
});

const call = managementCall;
const api = (method: string, p: string, body?: unknown) => call(t, token, method, p, body);

const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
const smsTemplates = usages.map((usageType) => ({ usageType, content: `${usageType} code: {{ code }}` }));
const emailTemplates = usages.map((usageType) => ({
  usageType,
  contentType: 'text/plain',
  subject: `${usageType} {{code}}`,
  content: `Your ${usageType} code is {{code}}.`,
}));
const smtpConfig = (overrides: Record<string, unknown> = {}) => ({
  host: '127.0.0.1',
  port: smtp.port,
  fromEmail: 'verity@example.com',
  auth: { user: smtp.user, pass: smtp.pass },
  templates: emailTemplates,
  ...overrides,
});
const twilioConfig = () => ({ accountSID: 'AC123', authToken: 'twilio-token-xyz', fromMessagingServiceSID: 'MG456', templates: smsTemplates, baseUrl: twilio.url });
const webhookConfig = () => ({ url: t.sms.url, templates: smsTemplates });
const create = (connectorId: string, config: unknown, extra: Record<string, unknown> = {}) =>
  api('POST', '/api/connectors', { connectorId, config, ...extra });

describe('connector factories', () => {
  it('lists the built-in factories with Logto-shaped metadata', async () => {
    const res = await api('GET', '/api/connector-factories');
    expect(res.status).toBe(200);
    expect(res.body.map((f: { id: string }) => f.id)).toEqual([
      'simple-mail-transfer-protocol', 'twilio-short-message-service', 'verity-sms-webhook', 'verity-outbox-email', 'verity-outbox-sms',
      'oidc', 'oauth2', 'google-universal', 'github-universal',
    ]);
    for (const f of res.body) {
      const platform = f.type === 'Social' ? 'Universal' : null;
      expect(f).toMatchObject({ isDemo: false, name: { en: expect.any(String) }, description: { en: expect.any(String) }, platform });
      expect(f.logo).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(typeof f.readme).toBe('string');
    }
  });

  it('gets one by id; unknown → 404 entity.not_found', async () => {
    expect((await api('GET', '/api/connector-factories/twilio-short-message-service')).body).toMatchObject({
      id: 'twilio-short-message-service', type: 'Sms', target: 'twilio-sms',
    });
    expect(await api('GET', '/api/connector-factories/nope')).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
  });

  it('needs a token', async () => {
    expect((await fetch(`${t.url}/api/connectors`)).status).toBe(401);
  });
});

describe('POST /api/connectors (C1)', () => {
  it('creates an SMTP connector: factory fields, a 12-char id, the cleaned config', async () => {
    const res = await create('simple-mail-transfer-protocol', smtpConfig({ replyTo: '', tls: {}, customHeaders: { 'X-A': '' }, name: null }), {
      metadata: { target: '' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      type: 'Email', connectorId: 'simple-mail-transfer-protocol', target: 'smtp', syncProfile: false, metadata: {}, config: smtpConfig(),
    });
    expect(res.body.id).toMatch(/^[a-z0-9]{12}$/);
    expect(res.body.config).not.toHaveProperty('replyTo');
    expect((await api('GET', `/api/connectors/${res.body.id}`)).body).toEqual(res.body);
  });

  it('stores the config encrypted', async () => {
    const { body } = await create('twilio-short-message-service', twilioConfig());
    const [row] = await t.db.query<{ config: string }>('SELECT config FROM connectors WHERE id = $1', [body.id]);
    expect(row!.config).not.toContain('twilio-token-xyz');
    expect(row!.config).not.toContain('AC123');
    expect(JSON.parse(t.keyring.decrypt(row!.config))).toEqual(twilioConfig());
  });

  it('keeps one Email and one SMS connector: a new one replaces the old of its type', async () => {
    const first = (await create('twilio-short-message-service', twilioConfig())).body;
    const second = (await create('verity-sms-webhook', webhookConfig(), { id: 'my-sms' })).body;
    expect(second.id).toBe('my-sms');
    expect((await api('GET', `/api/connectors/${first.id}`)).status).toBe(404);
    const mail = (await create('simple-mail-transfer-protocol', smtpConfig())).body;
    const list = (await api('GET', '/api/connectors')).body;
    expect(list.map((c: { id: string }) => c.id).sort()).toEqual([mail.id, 'my-sms'].sort());
  });

  it('an id taken by a connector of the other type → 422 connector.id_already_exists', async () => {
    await create('verity-sms-webhook', webhookConfig(), { id: 'taken-id' });
    expect(await create('simple-mail-transfer-protocol', smtpConfig(), { id: 'taken-id' })).toMatchObject({
      status: 422, body: { code: 'connector.id_already_exists' },
    });
  });

  it('400 connector.invalid_config when the config fails the factory guard', async () => {
    for (const [factory, config] of [
      ['simple-mail-transfer-protocol', smtpConfig({ host: undefined })],
      ['simple-mail-transfer-protocol', smtpConfig({ templates: emailTemplates.slice(0, 3) })],
      ['simple-mail-transfer-protocol', smtpConfig({ auth: { pass: 'no user' } })],
      ['twilio-short-message-service', { ...twilioConfig(), authToken: '' }],
      ['verity-sms-webhook', { url: 'not a url', templates: smsTemplates }],
      ['verity-sms-webhook', undefined],
    ] as const) {
      expect(await create(factory, config), factory).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
    }
  });

  it('refuses the development outbox in production: 400 connector.invalid_config', async () => {
    expect(await create('verity-outbox-email', {})).toMatchObject({ status: 400, body: { code: 'connector.invalid_config' } });
  });

  it('422 connector.not_found_with_connector_id for an unknown factory; 400 guard.invalid_input for a bad body', async () => {
    expect(await create('no-such-factory', {})).toMatchObject({ status: 422, body: { code: 'connector.not_found_with_connector_id' } });
    for (const body of [{}, { connectorId: '' }, { connectorId: 'verity-sms-webhook', config: 'x' }, { connectorId: 'x'.repeat(129) }]) {
      expect((await api('POST', '/api/connectors', body)).body.code).toBe('guard.invalid_input');
    }
  });
});

describe('GET, PATCH, DELETE /api/connectors (C2–C5)', () => {
  it('lists with a target filter', async () => {
    await create('verity-sms-webhook', webhookConfig());
    const res = await api('GET', '/api/connectors?target=verity-sms-webhook');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(1);
    expect(res.body[0]).toMatchObject({ connectorId: 'verity-sms-webhook', type: 'Sms' });
    expect((await api('GET', '/api/connectors?target=nothing')).body).toEqual([]);
  });

  it('404 entity.not_found for an unknown id on get, patch and delete', async () => {
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await api(method, '/api/connectors/unknownid123', method === 'PATCH' ? {} : undefined);
      expect(res, method).toMatchObject({ status: 404, body: { code: 'entity.not_found' } });
    }
  });

  it('PATCH replaces the config whole, validates it, and keeps it encrypted', async () => {
    const { body: c } = await create('simple-mail-transfer-protocol', smtpConfig({ replyTo: 'r@example.com' }));
    const next = smtpConfig({ auth: { user: 'other', pass: 'new-secret-pass' } });
    const res = await api('PATCH', `/api/connectors/${c.id}`, { config: next });
    expect(res.status).toBe(200);
    expect(res.body.config).toEqual(next);
    const [row] = await t.db.query<{ config: string }>('SELECT config FROM connectors WHERE id = $1', [c.id]);
    expect(row!.config).not.toContain('new-secret-pass');
    expect(await api('PATCH', `/api/connectors/${c.id}`, { config: { host: 'x' } })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config' },
    });
    expect((await api('GET', `/api/connectors/${c.id}`)).body.config).toEqual(next);
  });

  it('PATCH refuses syncProfile on a non-social connector and metadata overrides', async () => {
    const { body: c } = await create('verity-sms-webhook', webhookConfig());
    const p = (body: unknown) => api('PATCH', `/api/connectors/${c.id}`, body);
    expect(await p({ syncProfile: true })).toMatchObject({ status: 422, body: { code: 'connector.invalid_type_for_syncing_profile' } });
    expect(await p({ metadata: { target: 'other' } })).toMatchObject({ status: 400, body: { code: 'connector.can_not_modify_target' } });
    expect(await p({ metadata: { name: { en: 'Mine' } } })).toMatchObject({
      status: 400, body: { code: 'connector.cannot_overwrite_metadata_for_non_standard_connector' },
    });
    expect(await p({ syncProfile: 'yes' })).toMatchObject({ status: 400, body: { code: 'guard.invalid_input' } });
    expect(await p({ metadata: { target: 'verity-sms-webhook' }, syncProfile: false })).toMatchObject({
      status: 200, body: { metadata: { target: 'verity-sms-webhook' }, syncProfile: false },
    });
  });

  it('DELETE answers 204, then the connector is gone', async () => {
    const { body: c } = await create('verity-sms-webhook', webhookConfig());
    const res = await fetch(`${t.url}/api/connectors/${c.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect((await api('GET', `/api/connectors/${c.id}`)).status).toBe(404);
  });
});

describe('POST /api/connectors/{factoryId}/test (C6)', () => {
  const test = (factory: string, body: unknown) => api('POST', `/api/connectors/${factory}/test`, body);

  it('mails the Generic template with code 000000 through SMTP', async () => {
    expect(await test('simple-mail-transfer-protocol', { config: smtpConfig(), email: 'to@example.com' })).toEqual({ status: 204, body: null });
    const mail = smtp.received.at(-1)!;
    expect(mail.envelopeTo).toEqual(['to@example.com']);
    expect(mail.headers.subject).toBe('Generic 000000');
    expect(mail.body).toBe('Your Generic code is 000000.');
    expect(mail.headers.from).toContain('verity@example.com');
  });

  it('a refused SMTP login → 400 connector.general', async () => {
    const config = smtpConfig({ auth: { user: smtp.user, pass: 'wrong' } });
    expect(await test('simple-mail-transfer-protocol', { config, email: 'to@example.com' })).toMatchObject({
      status: 400, body: { code: 'connector.general' },
    });
  });

  it('texts through a Twilio-compatible API', async () => {
    expect((await test('twilio-short-message-service', { config: twilioConfig(), phone: '12125550100' })).status).toBe(204);
    const req = twilio.requests.at(-1)!;
    expect(req.url).toBe('/2010-04-01/Accounts/AC123/Messages.json');
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from('AC123:twilio-token-xyz').toString('base64')}`);
    const form = new URLSearchParams(req.body);
    expect(form.get('To')).toBe('+12125550100');
    expect(form.get('Body')).toBe('Generic code: 000000');
    expect(form.get('From')).toBe('MG456');
  });

  it('a Twilio error → 400 connector.general', async () => {
    twilioStatus = 400;
    try {
      expect(await test('twilio-short-message-service', { config: twilioConfig(), phone: '12125550100' })).toMatchObject({
        status: 400, body: { code: 'connector.general' },
      });
    } finally {
      twilioStatus = 201;
    }
  });

  it('texts through the SMS webhook; phone wins over email', async () => {
    expect((await test('verity-sms-webhook', { config: webhookConfig(), phone: '12125550199', email: 'x@example.com' })).status).toBe(204);
    expect(t.sms.messages.at(-1)).toMatchObject({ to: '+12125550199', text: 'Generic code: 000000' });
    t.sms.failNext(1);
    expect((await test('verity-sms-webhook', { config: webhookConfig(), phone: '12125550199' })).body.code).toBe('connector.general');
  });

  it('refuses bad requests', async () => {
    expect((await test('verity-sms-webhook', { config: webhookConfig() })).body.code).toBe('guard.invalid_input');
    expect((await test('verity-sms-webhook', { config: webhookConfig(), phone: '+1212' })).body.code).toBe('guard.invalid_input');
    expect(await test('no-such-factory', { config: {}, phone: '12125550100' })).toMatchObject({ status: 400, body: { code: 'connector.not_found' } });
    expect(await test('simple-mail-transfer-protocol', { config: smtpConfig(), phone: '12125550100' })).toMatchObject({
      status: 400, body: { code: 'connector.unexpected_type' },
    });
    expect(await test('verity-sms-webhook', { config: webhookConfig(), email: 'a@example.com' })).toMatchObject({
      status: 400, body: { code: 'connector.unexpected_type' },
    });
    expect(await test('verity-sms-webhook', { config: { url: t.sms.url }, phone: '12125550100' })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config' },
    });
  });
});

describe('development outbox', () => {
  it('is accepted in development mode and records the test message; no Generic template → template_not_found', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-outbox-'));
    const dev = await startTestApp({ env: { VERITY_MODE: 'development', VERITY_DATA_DIR: dataDir } });
    try {
      const bearer = await managementToken(dev);
      expect((await call(dev, bearer, 'POST', '/api/connectors', { connectorId: 'verity-outbox-email' })).body).toMatchObject({
        type: 'Email', connectorId: 'verity-outbox-email', config: {},
      });
      expect((await call(dev, bearer, 'POST', '/api/connectors/verity-outbox-sms/test', { config: {}, phone: '12125550100' })).status).toBe(204);
      expect((await readOutbox(dataDir)).at(-1)).toMatchObject({ channel: 'sms', to: '+12125550100', code: '000000', purpose: 'Generic' });
      const config = { templates: [{ usageType: 'SignIn', content: '{{code}}' }] };
      expect(await call(dev, bearer, 'POST', '/api/connectors/verity-outbox-email/test', { config, email: 'a@example.com' })).toMatchObject({
        status: 400, body: { code: 'connector.template_not_found' },
      });
    } finally {
      await dev.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
