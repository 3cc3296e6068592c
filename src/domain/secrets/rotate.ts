// Owns `secrets rotate`: re-seals every live sealed value (sealed-columns.ts) with the current key, in
// batches, each value replaced only if it is still the one read (UPDATE … WHERE value = old value), so
// processes writing at the same time are safe: their value, sealed with the current key, wins. Values
// whose key the keyring lacks are reported, never touched. Short-lived sealed pieces are not re-sealed;
// the report says when the last of them expires. Keyed digests (backup codes) cannot be re-sealed:
// the report counts those still on an earlier key.
import type { Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import { countSealedWith, digestKeyCounts, keyIdsOf, KEYED_DIGESTS, replaceSealed, rowsSealedWith, SEALED_COLUMNS, SHORT_LIVED, shortLivedOf } from './sealed-columns.ts';

const BATCH = 200;

export interface RotateReport {
  currentKeyId: string;
  columns: {
    name: string;
    resealed: number;
    /** Values whose key is held but which do not open (corrupt or altered ciphertext): left as they are. */
    unreadable: number;
    /** Live values still sealed with another key afterwards (a missing key, or a writer using an old one). */
    remaining: { keyId: string; count: number; held: boolean }[];
  }[];
  shortLived: { name: string; what: string; live: number; lastExpiry: Date | null }[];
  /** Keyed digests still on an earlier key: not re-sealable; they stop working when it is dropped. */
  digests: { name: string; what: string; keyId: string; count: number }[];
}

export async function rotateSealedData(db: Db, keyring: Keyring): Promise<RotateReport> {
  const columns: RotateReport['columns'] = [];
  for (const column of SEALED_COLUMNS) {
    let resealed = 0;
    const unreadable = new Set<string>();
    for (const keyId of await keyIdsOf(db, column)) {
      if (keyId === keyring.currentId || !keyring.hasKey(keyId)) continue;
      // A batch that replaces nothing means another process keeps sealing with this old key (it was not
      // restarted with the new VERITY_SECRET): stop rather than loop; the report shows what is left.
      for (;;) {
        const rows = await rowsSealedWith(db, column, keyId, BATCH);
        let replaced = 0;
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = keyring.decrypt(row.value);
          } catch {
            unreadable.add(row.value); // one damaged value must not stop the others from being re-sealed
            continue;
          }
          if (await replaceSealed(db, column, row, keyring.encrypt(plaintext))) replaced += 1;
        }
        resealed += replaced;
        if (rows.length < BATCH || replaced === 0) break;
      }
    }
    const remaining: RotateReport['columns'][number]['remaining'] = [];
    for (const keyId of await keyIdsOf(db, column)) {
      if (keyId === keyring.currentId) continue;
      remaining.push({ keyId, count: await countSealedWith(db, column, keyId), held: keyring.hasKey(keyId) });
    }
    columns.push({ name: column.name, resealed, unreadable: unreadable.size, remaining });
  }
  const shortLived: RotateReport['shortLived'] = [];
  for (const s of SHORT_LIVED) shortLived.push({ name: s.name, what: s.what, ...(await shortLivedOf(db, s.table)) });
  const digests: RotateReport['digests'] = [];
  for (const d of KEYED_DIGESTS)
    for (const k of await digestKeyCounts(db, d)) if (k.keyId !== keyring.currentId) digests.push({ name: d.name, what: d.what, ...k });
  return { currentKeyId: keyring.currentId, columns, shortLived, digests };
}
