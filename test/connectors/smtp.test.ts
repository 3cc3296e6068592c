// The SMTP connector against a real smtp-server with authentication: delivery and refused login.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { createSmtpSender, DEFAULT_SUBJECT } from '../../src/connectors/smtp.ts';
import { DeliveryError } from '../../src/domain/errors.ts';

interface Received {
  envelopeTo: string[];
  headers: Record<string, string>;
  body: string;
}

const user = 'mailer';
const pass = 'smtp-password-123';
const received: Received[] = [];
let server: SMTPServer;
let port: number;

/** Just enough RFC 5322 for the assertions: unfolded headers, and a 7bit or quoted-printable body. */
function parseMessage(raw: string): Omit<Received, 'envelopeTo'> {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  let body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  if (/quoted-printable/i.test(headers['content-transfer-encoding'] ?? ''))
    body = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return { headers, body: body.replace(/\r\n$/, '') };
}

beforeAll(async () => {
  server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        received.push({ envelopeTo, ...parseMessage(Buffer.concat(chunks).toString('utf8')) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('SMTP sender', () => {
  it('delivers a plain-text message with recipient, subject and body', async () => {
    const sender = createSmtpSender({
      url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
      from: 'Verity <no-reply@verity.test>',
      timeoutMs: 5000,
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

  it('turns a refused login into a DeliveryError without the password', async () => {
    const sender = createSmtpSender({ url: `smtp://${user}:wrong-password@127.0.0.1:${port}`, from: 'v@verity.test', timeoutMs: 5000 });
    const before = received.length;
    try {
      const error = await sender
        .send({ channel: 'email', to: 'eve@example.com', text: 'Code 999999', code: '999999', purpose: 'Generic' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DeliveryError);
      expect((error as DeliveryError).connector).toBe('smtp');
      expect((error as Error).message).toMatch(/EAUTH|535/);
      expect((error as Error).message).not.toContain('wrong-password');
    } finally {
      sender.close();
    }
    expect(received.length).toBe(before);
  });
});
