// POST /api/verification-codes and /verify (management-verification-codes-api.md) with real
// connectors: an SMTP server and an SMS gateway on loopback, and a real Management API token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp-server.ts';
import { managementToken } from '../helpers/tokens.ts';

let t: TestApp;
let smtp: SmtpCapture;
let token: string;
beforeAll(async () => {
  smtp = await startSmtpServer();
  t = await startTestApp({ env: { VERITY_EMAIL_CONNECTOR: 'smtp', VERITY_SMTP_URL: smtp.url } });
  token = await managementToken(t);
});
afterAll(async () => {
  await t.close();
  await smtp.close();
});

let n = 0;
const email = () => `user${++n}.${Date.now()}@example.com`;
const phone = () => `1212555${String(1000 + (++n % 9000))}`;
const post = (path: string, body: unknown) =>
  fetch(`${t.url}/api/verification-codes${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, body: r.status === 204 ? null : await r.json() }));

describe('send', () => {
  it('emails a 6-digit Generic code and answers 204', async () => {
    const to = email();
    expect(await post('', { email: to })).toEqual({ status: 204, body: null });
    const mail = smtp.received.at(-1)!;
    expect(mail.envelopeTo).toEqual([to]);
    expect(mail.headers.subject).toBe('Your verification code');
    expect(smtp.lastCode(to)).toMatch(/^\d{6}$/);
  });

  it('texts a code to a digits-only phone number', async () => {
    const to = phone();
    expect((await post('', { phone: to })).status).toBe(204);
    expect(t.sms.lastCode(`+${to}`)).toMatch(/^\d{6}$/);
  });

  it('validates the body: 400 guard.invalid_input', async () => {
    for (const body of [{}, { email: 'not-an-email' }, { phone: '+12125550100' }, { phone: '12-34' }, { email: 42 }]) {
      const res = await post('', body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('guard.invalid_input');
    }
  });

  it('a body with both keys is the email variant', async () => {
    const to = email();
    expect((await post('', { email: to, phone: '12125550100' })).status).toBe(204);
    expect(smtp.lastCode(to)).toMatch(/^\d{6}$/);
  });
});

describe('verify', () => {
  it('204 for the right code, then verification_code.not_found (consumed)', async () => {
    const to = email();
    await post('', { email: to });
    const code = smtp.lastCode(to);
    expect((await post('/verify', { email: to, verificationCode: code })).status).toBe(204);
    expect(await post('/verify', { email: to, verificationCode: code })).toMatchObject({
      status: 400,
      body: { code: 'verification_code.not_found' },
    });
  });

  it('email matching ignores case', async () => {
    const to = email();
    await post('', { email: to });
    expect((await post('/verify', { email: to.toUpperCase(), verificationCode: smtp.lastCode(to) })).status).toBe(204);
  });

  it('no code sent → not_found; wrong code → code_mismatch', async () => {
    expect((await post('/verify', { phone: phone(), verificationCode: '123456' })).body.code).toBe('verification_code.not_found');
    const to = phone();
    await post('', { phone: to });
    const code = t.sms.lastCode(`+${to}`);
    const res = await post('/verify', { phone: to, verificationCode: code === '000000' ? '111111' : '000000' });
    expect(res).toMatchObject({ status: 400, body: { code: 'verification_code.code_mismatch' } });
    expect((await post('/verify', { phone: to, verificationCode: code })).status).toBe(204);
  });

  it('a new code replaces the old one', async () => {
    const to = email();
    await post('', { email: to });
    const first = smtp.lastCode(to);
    t.clock.advance(60_000); // past the minimum interval between two sends
    await post('', { email: to });
    const second = smtp.lastCode(to);
    if (first !== second) {
      expect((await post('/verify', { email: to, verificationCode: first })).body.code).toBe('verification_code.code_mismatch');
    }
    expect((await post('/verify', { email: to, verificationCode: second })).status).toBe(204);
  });

  it('after 10 wrong tries even the right code is refused: exceed_max_try', async () => {
    const to = email();
    await post('', { email: to });
    const code = smtp.lastCode(to);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 10; i += 1) expect((await post('/verify', { email: to, verificationCode: wrong })).body.code).toBe('verification_code.code_mismatch');
    expect((await post('/verify', { email: to, verificationCode: code })).body.code).toBe('verification_code.exceed_max_try');
  });

  it('older than 10 minutes → verification_code.expired', async () => {
    const to = email();
    await post('', { email: to });
    const code = smtp.lastCode(to);
    t.clock.advance(600_000);
    expect((await post('/verify', { email: to, verificationCode: code })).body.code).toBe('verification_code.expired');
    expect((await post('/verify', { email: to, verificationCode: code })).body.code).toBe('verification_code.expired');
  });

  it('verify needs the code: 400 guard.invalid_input', async () => {
    expect((await post('/verify', { email: email(), verificationCode: '' })).body.code).toBe('guard.invalid_input');
  });
});

describe('connectors', () => {
  it('501 connector.not_found without a connector for the channel', async () => {
    const bare = await startTestApp({ env: { VERITY_SMS_CONNECTOR: 'none', VERITY_EMAIL_CONNECTOR: 'none' } });
    try {
      const bearer = await managementToken(bare);
      for (const body of [{ email: 'a@example.com' }, { phone: '12125550100' }]) {
        const res = await fetch(`${bare.url}/api/verification-codes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(501);
        expect((await res.json()).code).toBe('connector.not_found');
      }
    } finally {
      await bare.close();
    }
  });

  it('sends through a connector created with the Management API, with its template, until it is deleted', async () => {
    const bare = await startTestApp({ env: { VERITY_SMS_CONNECTOR: 'none', VERITY_EMAIL_CONNECTOR: 'none' } });
    try {
      const bearer = await managementToken(bare);
      const api = (method: string, path: string, body?: unknown) =>
        fetch(`${bare.url}${path}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
      const templates = ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({
        usageType,
        contentType: usageType === 'Generic' ? 'text/html' : 'text/plain',
        subject: `${usageType} code {{code}}`,
        content: `<p>${usageType}: {{code}}</p>`,
      }));
      const config = { host: '127.0.0.1', port: smtp.port, fromEmail: 'api@verity.test', auth: { user: smtp.user, pass: smtp.pass }, templates };
      const created = await api('POST', '/api/connectors', { connectorId: 'simple-mail-transfer-protocol', config });
      expect(created.status).toBe(200);
      const { id } = (await created.json()) as { id: string };

      const to = email();
      expect((await api('POST', '/api/verification-codes', { email: to })).status).toBe(204);
      const mail = smtp.received.find((m) => m.envelopeTo.includes(to))!;
      const code = mail.body.match(/Generic: (\d{6})/)![1]!;
      expect(mail.headers.subject).toBe(`Generic code ${code}`);
      expect(mail.headers.from).toBe('api@verity.test');
      expect(mail.headers['content-type']).toMatch(/^text\/html/);
      expect((await api('POST', '/api/verification-codes/verify', { email: to, verificationCode: code })).status).toBe(204);

      expect((await api('DELETE', `/api/connectors/${id}`)).status).toBe(204);
      expect((await api('POST', '/api/verification-codes', { email: email() })).status).toBe(501);
    } finally {
      await bare.close();
    }
  });

  it('a gateway failure → 400 connector.general, and no code is left to verify', async () => {
    const to = phone();
    t.sms.failNext(1);
    expect(await post('', { phone: to })).toMatchObject({ status: 400, body: { code: 'connector.general' } });
    expect((await post('/verify', { phone: to, verificationCode: '123456' })).body.code).toBe('verification_code.not_found');
  });
});
