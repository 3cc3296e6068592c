// The SMTP connector against a real smtp-server with authentication: delivery and refused login.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createSmtpSender, DEFAULT_SUBJECT } from '../../src/connectors/smtp.ts';
import { DeliveryError } from '../../src/domain/errors.ts';
import { startSmtpServer, type SmtpCapture } from '../helpers/smtp-server.ts';
import { testEgress } from '../helpers/egress.ts';

const egress = testEgress();
let smtp: SmtpCapture;
let user: string;
let pass: string;
let port: number;
let received: SmtpCapture['received'];

beforeAll(async () => {
  smtp = await startSmtpServer();
  ({ user, pass, port, received } = smtp);
});

afterAll(async () => {
  await smtp.close();
  await egress.close();
});

describe('SMTP sender', () => {
  it('delivers a plain-text message with recipient, subject and body', async () => {
    const sender = createSmtpSender({
      transport: { host: '127.0.0.1', port, auth: { user, pass } },
      from: 'Verity <no-reply@verity.test>',
      timeoutMs: 5000,
      egress,
    });
    expect(sender).toMatchObject({ name: 'smtp', channel: 'email' });
    try {
      const result = await sender.send({
        channel: 'email',
        to: 'ada@example.com',
        subject: 'Your sign-in code',
        text: 'Your sign-in code is 135790. It expires in 10 minutes.',
        code: '135790',
        purpose: 'SignIn',
      });
      expect(result.providerId).toMatch(/^<.+>$/);
      await sender.send({ channel: 'email', to: 'bob@example.com', text: 'Code 112233', code: '112233', purpose: 'Generic' });
    } finally {
      sender.close();
    }

    const first = received.find((m) => m.envelopeTo.includes('ada@example.com'))!;
    expect(first.headers.to).toBe('ada@example.com');
    expect(first.headers.from).toBe('Verity <no-reply@verity.test>');
    expect(first.headers.subject).toBe('Your sign-in code');
    expect(first.body).toBe('Your sign-in code is 135790. It expires in 10 minutes.');

    const second = received.find((m) => m.envelopeTo.includes('bob@example.com'))!;
    expect(second.headers.subject).toBe(DEFAULT_SUBJECT);
    expect(second.body).toBe('Code 112233');
  });

  it('sends an HTML template as text/html', async () => {
    const sender = createSmtpSender({ transport: { host: '127.0.0.1', port, auth: { user, pass } }, from: 'v@verity.test', timeoutMs: 5000, egress });
    try {
      await sender.send({ channel: 'email', to: 'html@example.com', text: '<p>Code <b>246810</b></p>', html: true, code: '246810', purpose: 'Generic' });
    } finally {
      sender.close();
    }
    const mail = received.find((m) => m.envelopeTo.includes('html@example.com'))!;
    expect(mail.headers['content-type']).toMatch(/^text\/html/);
    expect(mail.body).toBe('<p>Code <b>246810</b></p>');
  });

  it('turns a refused login into a DeliveryError without the password', async () => {
    const sender = createSmtpSender({
      transport: { host: '127.0.0.1', port, auth: { user, pass: 'wrong-password' } },
      from: 'v@verity.test',
      timeoutMs: 5000,
      egress,
    });
    const before = received.length;
    try {
      const error = await sender
        .send({ channel: 'email', to: 'eve@example.com', text: 'Code 999999', code: '999999', purpose: 'Generic' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).connector).toBe('smtp');
      expect((error as Error).message).toMatch(/EAUTH|535/);
      expect((error as Error).message).not.toContain('wrong-password');
      // A server that refuses every login cannot take mail: it counts towards the breaker.
      expect((error as DeliveryError).kind).toBe('unavailable');
    } finally {
      sender.close();
    }
    expect(received.length).toBe(before);
  });

  it('a refused recipient (550) is a rejection of that message, not an unavailable server', async () => {
    const sender = createSmtpSender({ transport: { host: '127.0.0.1', port, auth: { user, pass } }, from: 'v@verity.test', timeoutMs: 5000, egress });
    try {
      const error = await sender
        .send({ channel: 'email', to: 'nobody@example.com', text: 'Code 123123', code: '123123', purpose: 'Generic' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).kind).toBe('rejected');
      expect((error as Error).message).toMatch(/550/);
    } finally {
      sender.close();
    }
  });
});
