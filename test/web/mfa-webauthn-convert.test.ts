// The sign-in page's passkey converter (web/src/app/webauthn.ts), as pure functions: base64url to
// bytes and back for every length (padding), and the Experience API's options to the shape
// navigator.credentials wants, binary fields decoded and the rest kept.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { creationOptionsOf, fromBase64Url, requestOptionsOf, toBase64Url } from '../../web/src/app/webauthn.ts';

const bytesOf = (buffer: ArrayBuffer | BufferSource) => Buffer.from(buffer as ArrayBuffer);

describe('passkey converter of the sign-in page', () => {
  it('turns bytes into base64url (no padding) and back, at every length modulo 3', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 33, 64]) {
      const bytes = crypto.randomBytes(length);
      const text = toBase64Url(new Uint8Array(bytes).buffer);
      expect(text).toBe(bytes.toString('base64url'));
      expect(bytesOf(fromBase64Url(text)).equals(bytes)).toBe(true);
    }
  });

  it('decodes the challenge, user id and excluded credential ids of E15, keeping the other fields', () => {
    const challenge = crypto.randomBytes(32);
    const credential = crypto.randomBytes(16);
    const options = creationOptionsOf({
      rp: { name: 'localhost', id: 'localhost' },
      user: { id: Buffer.from('user-1').toString('base64url'), name: 'ada', displayName: 'Ada' },
      challenge: challenge.toString('base64url'),
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ type: 'public-key', id: credential.toString('base64url'), transports: ['internal'] }],
      authenticatorSelection: { residentKey: 'preferred' },
    });
    expect(bytesOf(options.challenge).equals(challenge)).toBe(true);
    expect(bytesOf(options.user.id).toString()).toBe('user-1');
    expect(options.user.name).toBe('ada');
    expect(bytesOf(options.excludeCredentials![0]!.id).equals(credential)).toBe(true);
    expect(options.excludeCredentials![0]!.transports).toEqual(['internal']);
    expect(options.pubKeyCredParams).toEqual([{ type: 'public-key', alg: -7 }]);
  });

  it('decodes the challenge and allowed credential ids of E17', () => {
    const challenge = crypto.randomBytes(32);
    const credential = crypto.randomBytes(16);
    const options = requestOptionsOf({
      challenge: challenge.toString('base64url'),
      rpId: 'localhost',
      allowCredentials: [{ type: 'public-key', id: credential.toString('base64url') }],
      userVerification: 'preferred',
    });
    expect(bytesOf(options.challenge).equals(challenge)).toBe(true);
    expect(bytesOf(options.allowCredentials![0]!.id).equals(credential)).toBe(true);
    expect(options.rpId).toBe('localhost');
  });
});
