// Owns the provider's key material: an ES384 signing key (private JWK) and cookie-signing keys,
// generated on first start, stored encrypted with the server secret, shared by every process.
// Rotation adds a new key in front; the old signing key stays in the JWKS until its tokens expire.
import crypto from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { sealedKeyId, type Keyring } from '../crypto/keyring.ts';
import { cached } from '../storage/cache.ts';
import type { Db, Queryable } from '../storage/db.ts';

const LOCK_KEY = 7_242_012;

export interface OidcKeys {
  /** Private signing keys, the current one first. */
  jwks: { keys: JWK[] };
  /** Cookie keys, the current one first (older ones still verify). */
  cookieKeys: string[];
}

async function newSigningKey(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('ES384', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid: crypto.randomBytes(12).toString('base64url'), alg: 'ES384', use: 'sig' };
}

async function insertKey(q: Queryable, keyring: Keyring, kind: 'signing' | 'cookie') {
  const material = kind === 'signing' ? JSON.stringify(await newSigningKey()) : crypto.randomBytes(32).toString('base64url');
  await q.query('INSERT INTO oidc_keys (id, kind, material) VALUES ($1, $2, $3)', [
    crypto.randomUUID(),
    kind,
    keyring.encrypt(material),
  ]);
}

/** Whether this keyring can open the ciphertext (its server secret may have been rotated out). */
const readable = (keyring: Keyring, material: string) => keyring.hasKey(sealedKeyId(material));

/**
 * Loads the keys, creating the first ones under an advisory lock so concurrent starts agree. Active
 * keys sealed with a secret this server does not hold are an error, never replaced: replacing them
 * would invalidate every token and cookie. The start-up check (domain/secrets/keys.ts) refuses such a
 * keyring before this runs; this throw is the backstop.
 */
export async function loadOidcKeys(db: Db, keyring: Keyring): Promise<OidcKeys> {
  const rows = await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    for (const kind of ['signing', 'cookie'] as const) {
      const active = await q.query<{ id: string; material: string }>(
        'SELECT id, material FROM oidc_keys WHERE kind = $1 AND retired_at IS NULL',
        [kind],
      );
      if (active.some((k) => readable(keyring, k.material))) continue;
      if (active.length)
        throw new Error(
          `The active OIDC ${kind} keys are sealed with a server secret this process does not hold (docs/secrets.md)`,
        );
      await insertKey(q, keyring, kind);
    }
    return q.query<{ kind: string; material: string }>(
      `SELECT kind, material FROM oidc_keys WHERE retired_at IS NULL OR retire_after > now()
        ORDER BY (retired_at IS NULL) DESC, created_at DESC`,
    );
  });
  const open = (kind: string) =>
    rows.filter((r) => r.kind === kind && readable(keyring, r.material)).map((r) => keyring.decrypt(r.material));
  return { jwks: { keys: open('signing').map((m) => JSON.parse(m) as JWK) }, cookieKeys: open('cookie') };
}

interface KeyRow {
  kind: string;
  material: string;
  retired: boolean;
  /** Milliseconds of grace left for a retired key, by the database's clock (the one that ends it). */
  grace_ms: number | null;
}

const PUBLISHED = `SELECT kind, material, retired_at IS NOT NULL AS retired,
                          (extract(epoch FROM retire_after - now()) * 1000)::float8 AS grace_ms
                     FROM oidc_keys WHERE retired_at IS NULL OR retire_after > now()
                    ORDER BY (retired_at IS NULL) DESC, created_at DESC`;

/**
 * The keys as stored now, without creating any (one plain read); loadOidcKeys when a kind has no
 * active key this keyring can open. `fresh` bypasses the cache (a key id not seen yet).
 */
export async function readOidcKeys(db: Db, keyring: Keyring): Promise<OidcKeys & { until?: number }> {
  const rows = await db.query<KeyRow>(PUBLISHED);
  const active = (kind: string) => rows.some((r) => r.kind === kind && !r.retired && readable(keyring, r.material));
  // Made now (or by another process meanwhile): not kept, the next read takes the path below.
  if (!active('signing') || !active('cookie')) return { ...(await loadOidcKeys(db, keyring)), until: Date.now() };
  const open = (kind: string) =>
    rows.filter((r) => r.kind === kind && readable(keyring, r.material)).map((r) => keyring.decrypt(r.material));
  // A retired key leaves the set when its grace ends, without a write to tell: the set lives until then.
  const graces = rows.flatMap((r) => (r.retired && r.grace_ms !== null ? [Number(r.grace_ms)] : []));
  return {
    jwks: { keys: open('signing').map((m) => JSON.parse(m) as JWK) },
    cookieKeys: open('cookie'),
    until: graces.length ? Date.now() + Math.min(...graces) : undefined,
  };
}

/** The current keys, cached in process until oidc_keys changes in any process or a retired key's
 *  grace ends (storage/cache.ts). One object per version: compare by identity to see a change. */
export function currentOidcKeys(db: Db, keyring: Keyring): Promise<OidcKeys> {
  return cached(db, 'oidc-keys', ['oidc_keys'], 'all', () => readOidcKeys(db, keyring), (keys) => keys.until);
}

/** Retires the current keys (signing keys stay published for `graceSeconds`) and makes new ones. */
export async function rotateOidcKeys(db: Db, keyring: Keyring, graceSeconds: number): Promise<void> {
  await db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await q.query(
      `UPDATE oidc_keys SET retired_at = now(), retire_after = now() + make_interval(secs => $1::int)
        WHERE retired_at IS NULL`,
      [graceSeconds],
    );
    await insertKey(q, keyring, 'signing');
    await insertKey(q, keyring, 'cookie');
  });
}

/** The public half of the signing keys, for verifying our own tokens. */
export function publicJwks(keys: OidcKeys): { keys: JWK[] } {
  return {
    keys: keys.jwks.keys.map(({ kty, crv, x, y, kid, alg, use }) => ({ kty, crv, x, y, kid, alg, use })),
  };
}
