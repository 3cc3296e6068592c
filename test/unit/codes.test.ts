// Pure pieces of the code engine and the OTP API: generation, segmentation, phone rules, keyring.
import { describe, expect, it } from 'vitest';
import { createKeyring, digestsEqual } from '../../src/crypto/keyring.ts';
import { generateCode, normalizeCode } from '../../src/domain/codes/generate.ts';
import { OtpError } from '../../src/domain/errors.ts';
import { resolvePhone } from '../../src/domain/otp/phone.ts';
import { segment } from '../../src/domain/otp/sms-parts.ts';

describe('generateCode', () => {
  it('draws from the alphabet of each type at every length 4–10', () => {
    for (let length = 4; length <= 10; length += 1) {
      expect(generateCode('numbers', length)).toMatch(new RegExp(`^[0-9]{${length}}$`));
      expect(generateCode('letters', length)).toMatch(new RegExp(`^[A-Z]{${length}}$`));
      expect(generateCode('alphanumeric', length)).toMatch(new RegExp(`^[0-9A-Z]{${length}}$`));
    }
    expect(() => generateCode('numbers', 3)).toThrow(RangeError);
    expect(() => generateCode('numbers', 11)).toThrow(RangeError);
  });

  it('is spread over the alphabet (no fixed or biased output)', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 2000; i += 1) for (const c of generateCode('numbers', 10)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(10);
    for (const n of counts.values()) expect(n).toBeGreaterThan(1600); // 2000 each expected
  });

  it('normalises case and surrounding space', () => {
    expect(normalizeCode(' ab12 ')).toBe('AB12');
  });
});

describe('segment', () => {
  it('GSM-7: 160 septets in one part, 153 per part beyond', () => {
    expect(segment('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(segment('a'.repeat(161)).parts).toBe(2);
    expect(segment('a'.repeat(306)).parts).toBe(2);
    expect(segment('a'.repeat(307)).parts).toBe(3);
  });
  it('GSM-7 extension characters count twice', () => {
    expect(segment('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(segment('€'.repeat(81)).parts).toBe(2);
  });
  it('UCS-2: 70 units in one part, 67 per part beyond', () => {
    expect(segment('ж'.repeat(70))).toMatchObject({ encoding: 'UCS-2', parts: 1 });
    expect(segment('ж'.repeat(71)).parts).toBe(2);
    expect(segment(`${'a'.repeat(60)}😀`)).toMatchObject({ encoding: 'UCS-2', units: 62 });
  });
});

describe('resolvePhone', () => {
  it('normalises to E.164 and derives the country', () => {
    expect(resolvePhone('+1 (212) 555-0123', undefined)).toEqual({ e164: '+12125550123', countryIso: 'US' });
    expect(resolvePhone('06 12 34 56 78', 'FR')).toEqual({ e164: '+33612345678', countryIso: 'FR' });
  });
  it('raises the documented codes', () => {
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as OtpError).spec.code;
      }
      return 0;
    };
    expect(code(() => resolvePhone('0612345678', undefined))).toBe(2002);
    expect(code(() => resolvePhone('0612345678', 'XX'))).toBe(2003);
    expect(code(() => resolvePhone('+99912', undefined))).toBe(2020);
  });
});

describe('keyring', () => {
  const old = 'old-secret-0123456789-0123456789-0123456789';
  const current = 'new-secret-0123456789-0123456789-0123456789';
  it('checks digests made with a previous secret after rotation', () => {
    const before = createKeyring([old]);
    const digest = before.hmac('codes', 'id:123456');
    const after = createKeyring([current, old]);
    expect(after.currentId).not.toBe(before.currentId);
    expect(digestsEqual(after.hmac('codes', 'id:123456', before.currentId), digest)).toBe(true);
    expect(digestsEqual(after.hmac('codes', 'id:123456'), digest)).toBe(false);
  });
  it('decrypts data encrypted under a previous secret, and detects tampering', () => {
    const token = createKeyring([old]).encrypt('callback-secret');
    expect(createKeyring([current, old]).decrypt(token)).toBe('callback-secret');
    const parts = token.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => createKeyring([old]).decrypt(parts.join('.'))).toThrow();
    expect(() => createKeyring([current]).decrypt(token)).toThrow(/unknown key/);
  });
});
