// Owns what `secrets status` and /api/health/ready report about the server secret: which key ids the
// sealed data uses (and how many rows each), which the keyring holds, which is current, which the
// database has recorded; and readiness (database, migrations, secret) with no scan.
import type { Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import { listMigrations } from '../../storage/migrate.ts';
import { currentSecretRecorded } from './keys.ts';
import { countSealedWith, digestKeyCounts, keyIdsOf, KEYED_DIGESTS, SEALED_COLUMNS, SHORT_LIVED, shortLivedOf } from './sealed-columns.ts';

export interface SecretStatus {
  currentKeyId: string;
  heldKeyIds: readonly string[];
  recorded: { keyId: string; firstSeenAt: Date; lastSeenAt: Date }[];
  columns: { name: string; what: string; keys: { keyId: string; count: number; held: boolean; current: boolean }[] }[];
  shortLived: { name: string; what: string; live: number; lastExpiry: Date | null }[];
  /** Keyed digests per key id (not re-sealable: they stop working when their secret is dropped). */
  digests: { name: string; what: string; keys: { keyId: string; count: number; held: boolean; current: boolean }[] }[];
}

export async function secretStatus(db: Db, keyring: Keyring): Promise<SecretStatus> {
  const recorded = await db.query<{ key_id: string; first_seen_at: Date | string; last_seen_at: Date | string }>(
    'SELECT key_id, first_seen_at, last_seen_at FROM secret_keys ORDER BY first_seen_at, key_id',
  );
  const columns: SecretStatus['columns'] = [];
  for (const c of SEALED_COLUMNS) {
    const keys: SecretStatus['columns'][number]['keys'] = [];
    for (const keyId of await keyIdsOf(db, c))
      keys.push({ keyId, count: await countSealedWith(db, c, keyId), held: keyring.hasKey(keyId), current: keyId === keyring.currentId });
    columns.push({ name: c.name, what: c.what, keys });
  }
  const shortLived: SecretStatus['shortLived'] = [];
  for (const s of SHORT_LIVED) shortLived.push({ name: s.name, what: s.what, ...(await shortLivedOf(db, s.table)) });
  const digests: SecretStatus['digests'] = [];
  for (const d of KEYED_DIGESTS)
    digests.push({
      name: d.name,
      what: d.what,
      keys: (await digestKeyCounts(db, d)).map((k) => ({ ...k, held: keyring.hasKey(k.keyId), current: k.keyId === keyring.currentId })),
    });
  return {
    digests,
    currentKeyId: keyring.currentId,
    heldKeyIds: keyring.keyIds,
    recorded: recorded.map((r) => ({ keyId: r.key_id, firstSeenAt: new Date(r.first_seen_at), lastSeenAt: new Date(r.last_seen_at) })),
    columns,
    shortLived,
  };
}

export type ReadinessCheck = 'database' | 'migrations' | 'secret';

let expectedVersions: number[] | undefined;

/** The failing checks (none: ready). Three small reads: SELECT 1, the applied versions, one key row. */
export async function readinessFailures(db: Db, keyring: Keyring): Promise<ReadinessCheck[]> {
  try {
    await db.query('SELECT 1');
  } catch {
    return ['database', 'migrations', 'secret'];
  }
  const failing: ReadinessCheck[] = [];
  expectedVersions ??= listMigrations().map((m) => m.version);
  try {
    const applied = new Set((await db.query<{ version: number }>('SELECT version FROM schema_migrations')).map((r) => r.version));
    if (!expectedVersions.every((v) => applied.has(v))) failing.push('migrations');
  } catch {
    failing.push('migrations');
  }
  try {
    if (!(await currentSecretRecorded(db, keyring))) failing.push('secret');
  } catch {
    failing.push('secret');
  }
  return failing;
}
