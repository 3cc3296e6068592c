// /api/connectors and the egress policy, over HTTP on a production app whose allow-list opens only a few
// host names: a refused webhook URL, Twilio base URL, SMTP host or OAuth2 token URL is 400
// connector.invalid_config on create, update and test send; a name that turns to loopback between the
// check and the send (DNS rebinding) fails the send, and the loopback servers never see a connection.
// The SMTP connection and the OAuth2 token request go through the egress module (only its resolver
// knows the suite's made-up names).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { REFUSED_HOSTS } from '../helpers/egress.ts';
import { json, startHttpServer, type TestServer } from '../helpers/http-server.ts';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp-server.ts';
import { managementCall, managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let token: string;
let hook: TestServer;
let tokens: TestServer;
let smtp: SmtpCapture;
/** Lookups of the rebinding names: the first (the check) is public, every later one loopback. */
let flips = 0;
const flip = () => (++flips === 1 ? '8.8.8.8' : '127.0.0.1');

beforeAll(async () => {
  hook = await startHttpServer((_req, res) => json(res, 200, { id: 'sent' }));
  tokens = await startHttpServer((_req, res) => json(res, 200, { access_token: 'not-a-real-token', expires_in: 3600, token_type: 'Bearer' }));
  smtp = await startSmtpServer();
  t = await startTestApp({
    strictEgress: {
      allow: ['hooks.test', 'mail.test', 'tokens.test'],
      names: { 'hooks.test': '127.0.0.1', 'mail.test': '127.0.0.1', 'tokens.test': '127.0.0.1', 'loop.test': '127.0.0.1', 'flip.test': flip },
    },
  });
  token = await managementToken(t);
});
afterAll(async () => {
  await t.close();
  await Promise.all([hook.close(), tokens.close(), smtp.close()]);
});

const api = (method: string, path: string, body?: unknown) => managementCall(t, token, method, path, body);

const usages = ['Register', 'SignIn', 'ForgotPassword', 'Generic'];
const smsTemplates = usages.map((usageType) => ({ usageType, content: `${usageType} {{code}}` }));
const emailTemplates = usages.map((usageType) => ({ usageType, contentType: 'text/plain', subject: usageType, content: 'Code {{code}}' }));
const webhook = (url: string) => ({ url, templates: smsTemplates });
const smtpConfig = (host: string, extra: Record<string, unknown> = {}) => ({
  host,
  port: smtp.port,
  fromEmail: 'verity@example.com',
  auth: { user: smtp.user, pass: smtp.pass },
  templates: emailTemplates,
  ...extra,
});
const invalid = (field: string) => ({ status: 400, body: { code: 'connector.invalid_config', data: { message: expect.stringMatching(new RegExp(`^${field}: address not allowed \\(`)) } } });

describe('addresses are checked when a config is given', () => {
  it('an SMS webhook URL: every refused spelling → 400 on create, update and test send; nothing contacted', async () => {
    const { body: stored } = await api('POST', '/api/connectors', { connectorId: 'verity-sms-webhook', config: webhook(`http://hooks.test:${hook.port}/sms`) });
    expect(stored.config.url).toBe(`http://hooks.test:${hook.port}/sms`);
    for (const host of [...REFUSED_HOSTS, 'loop.test']) {
      const config = webhook(`http://${host}:${hook.port}/sms`);
      expect(await api('POST', '/api/connectors', { connectorId: 'verity-sms-webhook', config }), host).toMatchObject(invalid('url'));
      expect(await api('PATCH', `/api/connectors/${stored.id}`, { config }), host).toMatchObject(invalid('url'));
      expect(await api('POST', '/api/connectors/verity-sms-webhook/test', { config, phone: '12125550100' }), host).toMatchObject(invalid('url'));
    }
    // The stored connector kept its allowed URL.
    expect((await api('GET', `/api/connectors/${stored.id}`)).body.config.url).toBe(`http://hooks.test:${hook.port}/sms`);
    expect(hook.connections()).toBe(0);
  });

  it('an SMTP host in any spelling, bare IPv6 included → 400; nothing contacted', async () => {
    const hosts = [...REFUSED_HOSTS, 'loop.test', '::1', '::', '::ffff:127.0.0.1', '::ffff:7f00:1', 'fc00::1', 'fe80::1', 'LocalHost.'];
    for (const host of hosts) {
      const config = smtpConfig(host);
      expect(await api('POST', '/api/connectors', { connectorId: 'simple-mail-transfer-protocol', config }), host).toMatchObject(invalid('host'));
      expect(await api('POST', '/api/connectors/simple-mail-transfer-protocol/test', { config, email: 'a@example.com' }), host).toMatchObject(invalid('host'));
    }
    expect(await api('POST', '/api/connectors', { connectorId: 'simple-mail-transfer-protocol', config: smtpConfig('mail.test/x') })).toMatchObject({
      status: 400, body: { code: 'connector.invalid_config', data: { message: 'host: not a host name or address' } },
    });
    expect(smtp.connections()).toBe(0);
  });

  it('a Twilio base URL and an OAuth2 token URL → 400', async () => {
    const twilio = { accountSID: 'AC1', authToken: 'token-1', fromMessagingServiceSID: 'MG1', templates: smsTemplates, baseUrl: 'http://169.254.169.254' };
    expect(await api('POST', '/api/connectors', { connectorId: 'twilio-short-message-service', config: twilio })).toMatchObject(invalid('baseUrl'));
    const oauth = smtpConfig('mail.test', { auth: { type: 'OAuth2', user: 'u@example.com', refreshToken: 'r', clientId: 'c', clientSecret: 's', accessUrl: 'http://[::1]/token' } });
    expect(await api('POST', '/api/connectors', { connectorId: 'simple-mail-transfer-protocol', config: oauth })).toMatchObject(invalid('auth.accessUrl'));
  });
});

describe('sends go through the egress module', () => {
  it('SMTP at an allowed host name: the message arrives (the name is known only to the egress resolver)', async () => {
    expect(await api('POST', '/api/connectors/simple-mail-transfer-protocol/test', { config: smtpConfig('mail.test'), email: 'ok@example.com' })).toEqual({
      status: 204, body: null,
    });
    expect(smtp.received.at(-1)?.envelopeTo).toEqual(['ok@example.com']);
  });

  it("the OAuth2 token request too: it reaches the token server by the allow-listed name", async () => {
    const auth = { type: 'OAuth2', user: 'u@example.com', refreshToken: 'refresh-1', clientId: 'client-1', clientSecret: 'secret-1', accessUrl: `http://tokens.test:${tokens.port}/token` };
    // The test SMTP server does not speak XOAUTH2, so the send itself fails after the token arrived.
    const res = await api('POST', '/api/connectors/simple-mail-transfer-protocol/test', { config: smtpConfig('mail.test', { auth }), email: 'o@example.com' });
    expect(res.body.code).toBe('connector.general');
    const request = tokens.requests.at(-1)!;
    expect(request.url).toBe('/token');
    expect(new URLSearchParams(request.body).get('refresh_token')).toBe('refresh-1');
    expect(JSON.stringify(res.body)).not.toContain('secret-1');
  });

  it('DNS rebinding between the check and the send: the webhook and the SMTP server never see a connection', async () => {
    const smtpBefore = smtp.connections();
    flips = 0;
    const sms = await api('POST', '/api/connectors/verity-sms-webhook/test', { config: webhook(`http://flip.test:${hook.port}/sms`), phone: '12125550100' });
    expect(sms).toMatchObject({ status: 400, body: { code: 'connector.general', data: { message: expect.stringContaining('address not allowed (loopback)') } } });
    flips = 0;
    const mail = await api('POST', '/api/connectors/simple-mail-transfer-protocol/test', { config: smtpConfig('flip.test'), email: 'r@example.com' });
    expect(mail).toMatchObject({ status: 400, body: { code: 'connector.general', data: { message: expect.stringContaining('address not allowed (loopback)') } } });
    expect(hook.connections()).toBe(0);
    expect(smtp.connections()).toBe(smtpBefore);
  });
});
