// Owns TOTP as RFC 6238 defines it with the parameters authenticator apps assume (HMAC-SHA-1,
// 30-second steps, 6 digits), the base32 secrets (RFC 4648, no padding) they are shared as, and
// the otpauth:// URI and its QR code that carry one to an app. Hand-written on node:crypto: HOTP
// is a dozen lines, and the check must answer which step matched (the caller stores it so that a
// step is accepted once); the QR code comes from the `qrcode` package.
import crypto from 'node:crypto';
import QRCode from 'qrcode';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** 160 bits, the length RFC 4226 recommends for HMAC-SHA-1. */
export const TOTP_SECRET_BYTES = 20;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** The bytes of a base32 secret (case-insensitive, `=` padding and spaces ignored); null when it
 *  holds another character. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** A new secret from the CSPRNG, base32 (32 characters). */
export function generateTotpSecret(): string {
  return base32Encode(crypto.randomBytes(TOTP_SECRET_BYTES));
}

/** HOTP (RFC 4226) of `key` at `counter`, `digits` long. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = crypto.createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return binary.toString().padStart(digits, '0');
}

/** The time step of `at` (RFC 6238 T). */
export const totpStep = (at: Date, period = TOTP_PERIOD_SECONDS): number => Math.floor(at.getTime() / 1000 / period);

/** The TOTP of a base32 secret at a time step. */
export function totpAt(secret: string, step: number): string {
  const key = base32Decode(secret);
  if (!key) throw new Error('TOTP secret is not base32');
  return hotp(key, step);
}

/**
 * The step among `at`'s and `window` either side whose code is `code` (compared in constant time,
 * every candidate computed), or null. Callers accept the step only if it is later than the last
 * one they accepted.
 */
export function matchTotp(secret: string, code: string, at: Date, window = 1): number | null {
  const key = base32Decode(secret);
  if (!key || !/^\d{6}$/.test(code)) return null;
  const current = totpStep(at);
  const presented = Buffer.from(code);
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step += 1) {
    if (crypto.timingSafeEqual(Buffer.from(hotp(key, step)), presented) && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// URI an authenticator app reads (Key Uri Format): label issuer:account. */
export function otpauthUri(secret: string, issuer: string, account: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_PERIOD_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/** The QR code of a URI as a PNG data URL. */
export function qrCodeDataUrl(uri: string): Promise<string> {
  return QRCode.toDataURL(uri, { type: 'image/png', errorCorrectionLevel: 'M', margin: 2 });
}
