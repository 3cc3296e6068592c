// A real SMTP server on loopback (smtp-server) that requires a login and records every message;
// mail for nobody@… is refused with 550.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  envelopeTo: string[];
  headers: Record<string, string>;
  body: string;
}

export interface SmtpCapture {
  /** smtp://user:pass@127.0.0.1:port */
  url: string;
  port: number;
  user: string;
  pass: string;
  received: ReceivedMail[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** The code in the latest message to `to`. */
  lastCode(to: string): string;
  close(): Promise<void>;
}

/** Just enough RFC 5322 for assertions: unfolded headers, and a 7bit or quoted-printable body. */
function parseMessage(raw: string): Omit<ReceivedMail, 'envelopeTo'> {
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

export async function startSmtpServer(user = 'mailer', pass = 'smtp-password-123'): Promise<SmtpCapture> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      callback(new Error('Invalid username or password'));
    },
    // Like a real server, it refuses mail for a mailbox that does not exist (nobody@…) with 550.
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith('nobody@')) return callback(Object.assign(new Error('No such mailbox'), { responseCode: 550 }));
      callback();
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
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${user}:${pass}@127.0.0.1:${port}`,
    port,
    user,
    pass,
    received,
    connections: () => connections,
    lastCode(to) {
      const mail = [...received].reverse().find((m) => m.envelopeTo.includes(to));
      const code = mail?.body.match(/\b(\d{6})\b/)?.[1];
      if (!code) throw new Error(`no code mailed to ${to}`);
      return code;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
