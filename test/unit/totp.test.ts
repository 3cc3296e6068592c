// TOTP primitives (src/crypto/totp.ts) against the RFCs' own vectors: HOTP (RFC 4226 Appendix D),
// TOTP with SHA-1 (RFC 6238 Appendix B), base32 (RFC 4648 section 10), and the window matchTotp
// accepts: the current step and one either side, nothing further, nothing malformed.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, generateTotpSecret, hotp, matchTotp, otpauthUri, totpAt, totpStep } from '../../src/crypto/totp.ts';

const RFC_KEY = Buffer.from('12345678901234567890', 'ascii');
const RFC_SECRET = base32Encode(RFC_KEY);
const at = (seconds: number) => new Date(seconds * 1000);

describe('HOTP (RFC 4226 Appendix D)', () => {
  it('gives the published values for counters 0–9', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });
});

describe('TOTP (RFC 6238 Appendix B, SHA-1, 8 digits)', () => {
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('at %i s gives %s', (seconds, code) => {
    expect(hotp(RFC_KEY, totpStep(at(seconds)), 8)).toBe(code);
    // the 6-digit code apps show is the same HOTP value cut to 6 digits
    expect(totpAt(RFC_SECRET, totpStep(at(seconds)))).toBe(code.slice(2));
  });
});

describe('base32 (RFC 4648)', () => {
  it('encodes the RFC 4648 section 10 vectors (no padding) and decodes them back', () => {
    const vectors = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [plain, encoded] of vectors) {
      expect(base32Encode(Buffer.from(plain!))).toBe(encoded);
      expect(base32Decode(encoded!)!.toString()).toBe(plain);
    }
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it('round-trips random bytes of every length, and reads lower case, padding and spaces', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = crypto.randomBytes(length);
      expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    }
    expect(base32Decode('mzxw 6ytb oi======')!.toString()).toBe('foobar');
  });

  it('refuses characters outside the alphabet', () => {
    for (const text of ['MZXW1', 'MZXW8', 'MZ-XW', 'MZXW6YTBOÎ']) expect(base32Decode(text)).toBeNull();
  });

  it('makes 160-bit secrets of 32 characters, different every time', () => {
    const secrets = Array.from({ length: 50 }, generateTotpSecret);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Z2-7]{32}$/);
      expect(base32Decode(s)).toHaveLength(20);
    }
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});

describe('matchTotp', () => {
  const now = at(1_700_000_015);
  const step = totpStep(now);
  const secret = generateTotpSecret();

  it('accepts the current step and one either side, answering which step matched', () => {
    for (const offset of [-1, 0, 1]) expect(matchTotp(secret, totpAt(secret, step + offset), now)).toBe(step + offset);
    expect(matchTotp(RFC_SECRET, '287082', at(59), 1)).toBe(1);
  });

  it('refuses codes two or more steps away, and another secret’s code', () => {
    for (const offset of [-3, -2, 2, 3]) {
      const code = totpAt(secret, step + offset);
      // (a code of a far step may equal one inside the window by chance: 3 in a million)
      const inWindow = [-1, 0, 1].some((o) => totpAt(secret, step + o) === code);
      expect(matchTotp(secret, code, now)).toBe(inWindow ? expect.any(Number) : null);
    }
    expect(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, 100), at(102 * 30))).toBeNull();
    expect(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, 100), at(101 * 30))).toBe(100);
    expect(matchTotp(RFC_SECRET, totpAt(RFC_SECRET, 100), at(98 * 30))).toBeNull();
    const other = generateTotpSecret();
    const code = totpAt(other, step);
    if (![-1, 0, 1].some((o) => totpAt(secret, step + o) === code)) expect(matchTotp(secret, code, now)).toBeNull();
  });

  it('refuses malformed codes and secrets', () => {
    const code = totpAt(secret, step);
    for (const bad of ['', code.slice(1), `${code}0`, ` ${code}`, `${code}\n`, code.replace(/\d$/, 'a'), '١٢٣٤٥٦', '12 456', '-12345', '+12345'])
      expect(matchTotp(secret, bad, now)).toBeNull();
    expect(matchTotp('not base32!', code, now)).toBeNull();
  });
});

describe('otpauthUri', () => {
  it('names issuer and account in the label and the query, with the parameters apps assume', () => {
    const uri = new URL(otpauthUri('GEZDGNBVGY3TQOJQ', 'id.example.com', 'ann@example.com'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/id.example.com:ann@example.com');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: 'GEZDGNBVGY3TQOJQ', issuer: 'id.example.com', algorithm: 'SHA1', digits: '6', period: '30' });
  });
});
