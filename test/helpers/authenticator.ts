// A software WebAuthn authenticator (one P-256 ES256 credential, 'none' attestation) that answers
// the options of E15/E17 the way a browser and a platform authenticator together would, with the
// Experience API's payload shape (type "WebAuthn", clientExtensionResults). Every part a server must
// check can be forged through a knob: origin, RP id (its hash), client data type, challenge, flags,
// sign counter, user handle.
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

/** Where the ceremony runs and what to forge. */
export interface Ceremony {
  origin: string;
  rpId: string;
  /** Client data type; default webauthn.create / webauthn.get. */
  type?: string;
  /** Answer this challenge instead of the options'. */
  challenge?: string;
  /** User present (default true), user verified (default true), backup eligible / state (default false). */
  flags?: { up?: boolean; uv?: boolean; be?: boolean; bs?: boolean };
  /** Sign counter to present instead of the authenticator's own. */
  counter?: number;
  /** E18: the user handle to return (none by default). */
  userHandle?: string;
}

export interface SoftAuthenticator {
  credentialId: string;
  /** The sign counter last presented. */
  counter: number;
  create(options: { challenge: string }, ceremony: Ceremony): Record<string, any>;
  get(options: { challenge: string }, ceremony: Ceremony): Record<string, any>;
}

// Minimal CBOR (RFC 8949) for what an attestation needs: integers, byte and text strings, maps.
type Cbor = number | string | Uint8Array | Map<Cbor, Cbor>;
function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
export function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === 'string') return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();
const b64u = (data: Buffer) => data.toString('base64url');

function coseKeyOf(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return cbor(
    new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
}

function flagsByte(flags: Ceremony['flags'] = {}, attested: boolean): number {
  const { up = true, uv = true, be = false, bs = false } = flags;
  return (up ? 0x01 : 0) | (uv ? 0x04 : 0) | (be ? 0x08 : 0) | (bs ? 0x10 : 0) | (attested ? 0x40 : 0);
}

/** `counting: false` is an authenticator without a sign counter (always 0). */
export function createAuthenticator(options: { counting?: boolean } = {}): SoftAuthenticator {
  const { counting = true } = options;
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const id = randomBytes(16);
  const clientData = (type: string, challenge: string, origin: string) => Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  const authData = (c: Ceremony, signCount: number, attested?: Buffer) => {
    const count = Buffer.alloc(4);
    count.writeUInt32BE(signCount);
    return Buffer.concat([sha256(c.rpId), Buffer.from([flagsByte(c.flags, Boolean(attested))]), count, attested ?? Buffer.alloc(0)]);
  };
  const self: SoftAuthenticator = {
    credentialId: b64u(id),
    counter: 0,
    create(opts, c) {
      const attested = Buffer.concat([Buffer.alloc(16), Buffer.from([id.length >> 8, id.length & 0xff]), id, coseKeyOf(publicKey)]);
      const data = authData(c, c.counter ?? self.counter, attested);
      const attestationObject = cbor(new Map<Cbor, Cbor>([['fmt', 'none'], ['attStmt', new Map()], ['authData', data]]));
      return {
        type: 'WebAuthn',
        id: self.credentialId,
        rawId: self.credentialId,
        response: {
          clientDataJSON: b64u(clientData(c.type ?? 'webauthn.create', c.challenge ?? opts.challenge, c.origin)),
          attestationObject: b64u(attestationObject),
          transports: ['internal'],
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: { crepProps: { rk: true } },
      };
    },
    get(opts, c) {
      if (counting && c.counter === undefined) self.counter += 1;
      const data = authData(c, c.counter ?? self.counter);
      const json = clientData(c.type ?? 'webauthn.get', c.challenge ?? opts.challenge, c.origin);
      const signature = sign('sha256', Buffer.concat([data, sha256(json)]), privateKey); // DER
      return {
        type: 'WebAuthn',
        id: self.credentialId,
        rawId: self.credentialId,
        response: {
          clientDataJSON: b64u(json),
          authenticatorData: b64u(data),
          signature: b64u(signature),
          ...(c.userHandle === undefined ? {} : { userHandle: c.userHandle }),
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      };
    },
  };
  return self;
}
