// Owns webhook request signing: the `x-verity-signature` header Verity puts on outbound webhook
// calls (SMS webhook, status callbacks) and the check a receiver (or a test) runs against it.
// Format: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`; the timestamp is signed so a
// captured request cannot be replayed once it is older than the receiver's tolerance.
import crypto from 'node:crypto';

export const SIGNATURE_HEADER = 'x-verity-signature';

/** Default window, in seconds, either side of now in which a signature timestamp is accepted. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

function hmacHex(secret: string, body: string, timestampSeconds: number): string {
  return crypto.createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

/** The header value for `body` sent at `timestampSeconds` (whole unix seconds). */
export function signPayload(secret: string, body: string, timestampSeconds: number): string {
  const t = Math.floor(timestampSeconds);
  return `t=${t},v1=${hmacHex(secret, body, t)}`;
}

/** Parses `t=…,v1=…[,v1=…]`; null when the header is malformed. Several v1 entries are allowed
 *  so a sender may sign with an old and a new secret while rotating. */
function parseHeader(header: string): { t: number; signatures: string[] } | null {
  let t: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq <= 0) return null;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return null;
      t = Number(value);
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/i.test(value)) return null;
      signatures.push(value.toLowerCase());
    }
    // Unknown keys (future schemes) are ignored, as receivers of such headers conventionally do.
  }
  if (t === undefined || signatures.length === 0) return null;
  return { t, signatures };
}

/** True when `header` carries a v1 signature of `body` by `secret` whose timestamp lies within
 *  `toleranceSeconds` of `nowSeconds`. Malformed headers and stale or future timestamps are false.
 *  The comparison is constant-time over the decoded HMAC bytes. */
export function verifySignature(
  secret: string,
  body: string,
  header: string | undefined | null,
  options: { toleranceSeconds?: number; nowSeconds?: number } = {},
): boolean {
  if (typeof header !== 'string' || header.length > 1024) return false;
  const parsed = parseHeader(header);
  if (!parsed) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - parsed.t) > tolerance) return false;
  const expected = Buffer.from(hmacHex(secret, body, parsed.t), 'hex');
  let match = false;
  for (const candidate of parsed.signatures) {
    // Every candidate is compared (no early exit) so timing does not reveal which one matched.
    if (crypto.timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) match = true;
  }
  return match;
}
