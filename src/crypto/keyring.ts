// Owns the server secret's derived keys: HMAC keys for codes and for the browser bindings of sign-ins
// (oidc/browser-binding.ts), and AES-256-GCM keys for data that must be read back (callback signing
// secrets). Every output names the key it was made with, so a secret can be rotated (new
// VERITY_SECRET, old one in VERITY_PREVIOUS_SECRETS) without invalidating live codes.
import crypto from 'node:crypto';

/** `check`: only the database's proof of each key it has seen (domain/secrets/keys.ts). */
export type KeyPurpose = 'codes' | 'data' | 'binding' | 'check';

export interface Keyring {
  /** Id of the current key, stored next to every digest or ciphertext. */
  readonly currentId: string;
  /** Every key id held, current first (to check a value digested under an earlier secret). */
  readonly keyIds: readonly string[];
  /** HMAC-SHA256 with the current key (or the named one), base64url. Throws for an unknown key id. */
  hmac(purpose: KeyPurpose, data: string, keyId?: string): string;
  hasKey(keyId: string): boolean;
  encrypt(plaintext: string): string;
  decrypt(token: string): string;
}

function keyIdOf(secret: string): string {
  return crypto.createHash('sha256').update(`verity-key-id:${secret}`).digest('hex').slice(0, 12);
}

function derive(secret: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', secret, 'verity', `verity/${purpose}`, 32));
}

/** secrets[0] is current; the rest are earlier secrets still accepted. */
export function createKeyring(secrets: readonly string[]): Keyring {
  if (secrets.length === 0) throw new Error('a keyring needs at least one secret');
  const byId = new Map<string, Record<KeyPurpose, Buffer>>();
  for (const s of secrets) byId.set(keyIdOf(s), { codes: derive(s, 'codes'), data: derive(s, 'data'), binding: derive(s, 'binding'), check: derive(s, 'check') });
  const currentId = keyIdOf(secrets[0]!);
  const key = (id: string, purpose: KeyPurpose): Buffer => {
    const k = byId.get(id);
    if (!k) throw new Error(`unknown key id ${id}`);
    return k[purpose];
  };
  return {
    currentId,
    keyIds: [currentId, ...[...byId.keys()].filter((id) => id !== currentId)],
    hmac: (purpose, data, keyId = currentId) => crypto.createHmac('sha256', key(keyId, purpose)).update(data).digest('base64url'),
    hasKey: (id) => byId.has(id),
    encrypt(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', key(currentId, 'data'), iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    decrypt(token) {
      const [id, iv, tag, body] = token.split('.');
      if (!id || !iv || !tag || body === undefined) throw new Error('malformed ciphertext');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key(id, 'data'), Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

/** The key id a ciphertext of encrypt() names (the text before its first dot). */
export const sealedKeyId = (token: string): string => token.split('.', 1)[0] ?? '';

/** Constant-time equality of two base64url digests. */
export function digestsEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'base64url');
  const y = Buffer.from(b, 'base64url');
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** SHA-256 of a high-entropy credential (API key), hex. Lookup index only; see repos/api-keys.ts. */
export function sha256Hex(value: string): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}

/** A random token of `bytes` bytes, base64url. */
export function randomToken(bytes = 24): string {
  return crypto.randomBytes(bytes).toString('base64url');
}

export const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
export const ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER_ALNUM}`;

/** `length` characters drawn uniformly from `alphabet` with the CSPRNG (crypto.randomInt: no modulo bias). */
export function randomString(length: number, alphabet = LOWER_ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[crypto.randomInt(alphabet.length)];
  return out;
}
