// The development outbox: one parseable JSON line per message, even under concurrent sends,
// and a log line that names the recipient but never the code or the text.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createOutboxSender, OUTBOX_FILE, readOutbox } from '../../src/connectors/outbox.ts';
import { DeliveryError } from '../../src/domain/errors.ts';

let root: string;
const logged: unknown[][] = [];
const logger = {
  info: (...args: unknown[]) => void logged.push(args),
  warn: (...args: unknown[]) => void logged.push(args),
  error: (...args: unknown[]) => void logged.push(args),
};

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-outbox-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('outbox sender', () => {
  it('writes 20 concurrent sends as 20 complete lines, creating the data dir with a 0600 file', async () => {
    const dataDir = path.join(root, 'nested', 'data');
    const sms = createOutboxSender('sms', { dataDir, logger, now: () => Date.parse('2030-01-02T03:04:05.000Z') });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sms.send({
          channel: 'sms',
          to: `+4477009001${String(i).padStart(2, '0')}`,
          text: `Your verification code is ${100000 + i} ${'x'.repeat(2000)}`,
          code: String(100000 + i),
          purpose: 'otp',
        }),
      ),
    );

    const lines = fs.readFileSync(path.join(dataDir, OUTBOX_FILE), 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(20);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(new Set(records.map((r) => r.code)).size).toBe(20);
    expect(records.map((r) => r.id).sort()).toEqual(results.map((r) => r.providerId).sort());
    const first = records.find((r) => r.code === '100000')!;
    expect(first).toMatchObject({ channel: 'sms', to: '+447700900100', purpose: 'otp', createdAt: '2030-01-02T03:04:05.000Z' });
    expect(first.text).toMatch(/^Your verification code is 100000 /);
    expect(first).not.toHaveProperty('subject');
    expect(fs.statSync(path.join(dataDir, OUTBOX_FILE)).mode & 0o777).toBe(0o600);
  });

  it('records the subject of an email and logs the recipient only, masked', async () => {
    const dataDir = path.join(root, 'email');
    const email = createOutboxSender('email', { dataDir, logger });
    logged.length = 0;
    await email.send({
      channel: 'email',
      to: 'ada@example.com',
      subject: 'Your sign-in code',
      text: 'Your sign-in code is 246810. It expires in 10 minutes.',
      code: '246810',
      purpose: 'SignIn',
    });
    const [record] = await readOutbox(dataDir);
    expect(record).toMatchObject({ channel: 'email', to: 'ada@example.com', subject: 'Your sign-in code', code: '246810' });
    expect(new Date(record!.createdAt).toISOString()).toBe(record!.createdAt);

    expect(logged).toHaveLength(1);
    const text = JSON.stringify(logged);
    expect(text).toContain('a***@example.com');
    expect(text).not.toContain('ada@example.com');
    expect(text).not.toContain('246810');
    expect(text).not.toContain('sign-in code is');
  });

  it('reports an unwritable outbox as a DeliveryError', async () => {
    const blocker = path.join(root, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    const sms = createOutboxSender('sms', { dataDir: blocker, logger });
    const error = await sms
      .send({ channel: 'sms', to: '+447700900123', text: 'code 1', code: '1', purpose: 'otp' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeliveryError);
    expect((error as DeliveryError).connector).toBe('outbox');
  });
});
