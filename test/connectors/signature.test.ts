// Webhook signatures: the header format, and every way verifySignature must say no.
import { describe, it, expect } from 'vitest';
import crypto from 'node:crypto';
import { SIGNATURE_HEADER, signPayload, verifySignature } from '../../src/connectors/signature.ts';

const secret = 'whsec_0123456789abcdef';
const body = JSON.stringify({ to: '+447700900123', text: 'Your code is 123456', purpose: 'otp' });
const t = 1_700_000_000;

describe('signPayload', () => {
  it('produces t=<seconds>,v1=<hex hmac of "<t>.<body>">', () => {
    const expected = crypto.createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signPayload(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(SIGNATURE_HEADER).toBe('x-verity-signature');
  });
});

describe('verifySignature', () => {
  const header = signPayload(secret, body, t);
  const at = { toleranceSeconds: 300, nowSeconds: t + 10 };

  it('accepts a fresh signature of the same body', () => {
    expect(verifySignature(secret, body, header, at)).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verifySignature(secret, body.replace('123456', '654321'), header, at)).toBe(false);
    expect(verifySignature(secret, `${body} `, header, at)).toBe(false);
  });

  it('rejects the wrong secret', () => {
    expect(verifySignature('whsec_another_secret_value', body, header, at)).toBe(false);
  });

  it('rejects a stale or future timestamp', () => {
    expect(verifySignature(secret, body, header, { toleranceSeconds: 300, nowSeconds: t + 301 })).toBe(false);
    expect(verifySignature(secret, body, header, { toleranceSeconds: 300, nowSeconds: t - 301 })).toBe(false);
    expect(verifySignature(secret, body, header, { toleranceSeconds: 300, nowSeconds: t + 300 })).toBe(true);
  });

  it('rejects a re-timestamped signature', () => {
    const v1 = header.split(',v1=')[1];
    expect(verifySignature(secret, body, `t=${t + 5},v1=${v1}`, at)).toBe(false);
  });

  it('rejects malformed headers', () => {
    const v1 = header.split(',v1=')[1]!;
    for (const bad of [
      '',
      'garbage',
      `v1=${v1}`,
      `t=${t}`,
      `t=abc,v1=${v1}`,
      `t=${t},v1=${v1.slice(0, 63)}`,
      `t=${t},v1=${v1}zz`,
      `t=${t},v1=${'g'.repeat(64)}`,
      `t=${t},t=${t},v1=${v1}`,
      `t=${t},,v1=${v1}`,
      `t=${t};v1=${v1}`,
    ]) {
      expect(verifySignature(secret, body, bad, at), bad).toBe(false);
    }
    expect(verifySignature(secret, body, undefined, at)).toBe(false);
  });

  it('accepts one matching signature among several (secret rotation)', () => {
    const other = signPayload('whsec_old_secret_value_0', body, t).split(',v1=')[1];
    const v1 = header.split(',v1=')[1];
    expect(verifySignature(secret, body, `t=${t},v1=${other},v1=${v1}`, at)).toBe(true);
  });
});
