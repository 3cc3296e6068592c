// Recipients in logs: phone numbers and email addresses are masked by one helper, and the outbox
// connector (the one sender that logs each message at info) logs the masked value, never the raw one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createOutboxSender } from '../../src/connectors/outbox.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { maskEmail, maskPhone, maskRecipient } from '../../src/observability/mask.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

describe('maskPhone, maskEmail, maskRecipient', () => {
  it('keeps the country code and the last four digits of a phone number', () => {
    expect(maskPhone('+447911127890')).toBe('+44********90');
    expect(maskPhone('+12125550123')).toBe('+12*******23');
  });

  it('keeps at most two characters of a short value', () => {
    expect(maskPhone('12345')).toBe('***45');
    expect(maskPhone('1')).toBe('*1');
  });

  it('keeps the first letter and the domain of an email address', () => {
    expect(maskEmail('alice@example.com')).toBe('a***@example.com');
    expect(maskEmail('a@example.com')).toBe('a***@example.com');
    expect(maskEmail('not-an-address')).toBe('***');
  });

  it('chooses by the value', () => {
    expect(maskRecipient('bob@example.org')).toBe('b***@example.org');
    expect(maskRecipient('+447911127890')).toBe('+44********90');
  });
});

describe('the outbox connector logs recipients masked', () => {
  it('an SMS and an email: masked in the info line, raw only in the outbox file', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'verity-mask-'));
    dirs.push(dataDir);
    const lines: string[] = [];
    const logger = createLogger({ LOG_LEVEL: 'info', mode: 'production' }, { write: (line: string) => void lines.push(line) });
    await createOutboxSender('sms', { dataDir, logger }).send({ channel: 'sms', to: '+447911127890', text: 'Your code is 123456', code: '123456', purpose: 'otp' });
    await createOutboxSender('email', { dataDir, logger }).send({ channel: 'email', to: 'alice@example.com', subject: 'Code', text: 'Your code is 654321', code: '654321', purpose: 'otp' });
    const text = lines.join('');
    expect(lines.map((line) => JSON.parse(line).to)).toEqual(['+44********90', 'a***@example.com']);
    expect(text).not.toContain('+447911127890');
    expect(text).not.toContain('alice@example.com');
    expect(fs.readFileSync(path.join(dataDir, 'outbox.jsonl'), 'utf8')).toContain('+447911127890');
  });
});
