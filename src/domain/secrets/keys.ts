// Owns the start-up check every process (server: main.ts, CLI: cli/context.ts) runs right after the
// store opens and before it writes anything: the server secret must be one the database has seen
// (secret_keys, 019_secret_keys.sql), and every live sealed value must be openable by the keyring.
//   fresh database (no key recorded, no sealed data) → records the current key
//   current key recorded                             → ok (last_seen_at updated)
//   current key new, an earlier one (VERITY_PREVIOUS_SECRETS) recorded → a rotation: recorded, ok
//   no key of the keyring recorded                   → refused, unless VERITY_ACCEPT_NEW_SECRET=true
//   live sealed data needs a key the keyring lacks   → refused, always (the override cannot open it)
// A database sealed before 019 (sealed data, nothing recorded) records the keys its data proves.
import { digestsEqual, type Keyring } from '../../crypto/keyring.ts';
import type { Db, Queryable } from '../../storage/db.ts';
import { countSealedWith, keyIdsOf, SEALED_COLUMNS } from './sealed-columns.ts';

const LOCK_KEY = 7_242_013;
const CHECK_TEXT = 'verity/secret-check/v1';
const ROTATE = '`npm run verity -- secrets rotate`';

/** The check value of a held key: proves the key, not only its id. */
const checkValueOf = (keyring: Keyring, keyId: string) => keyring.hmac('check', CHECK_TEXT, keyId);

/** Whether a stored check value is the one this keyring's key makes. */
const checkValueMatches = (keyring: Keyring, keyId: string, stored: string) =>
  keyring.hasKey(keyId) && digestsEqual(checkValueOf(keyring, keyId), stored);

/** The process must not start (or the command must not run): the message says why and what to do. */
export class SecretCheckError extends Error {
  override name = 'SecretCheckError';
}

export type SecretCheckOutcome = 'fresh' | 'known' | 'rotated' | 'adopted' | 'upgraded';

export interface SecretCheckOptions {
  /** config.VERITY_ACCEPT_NEW_SECRET: adopt a secret the database has not seen. */
  acceptNew: boolean;
  /** "start the server" or "run this command", for messages. */
  who?: string;
}

/** Key ids used by live sealed data, each with the columns that use it. */
export async function keyIdsInUse(q: Queryable): Promise<Map<string, string[]>> {
  const uses = new Map<string, string[]>();
  for (const c of SEALED_COLUMNS) for (const id of await keyIdsOf(q, c)) uses.set(id, [...(uses.get(id) ?? []), c.name]);
  return uses;
}

async function missingReport(q: Queryable, keyring: Keyring, uses: Map<string, string[]>): Promise<string[]> {
  const lines: string[] = [];
  for (const [id, names] of uses) {
    if (keyring.hasKey(id)) continue;
    for (const name of names) {
      const column = SEALED_COLUMNS.find((c) => c.name === name)!;
      lines.push(`  ${name} (${column.what}): ${await countSealedWith(q, column, id)} row(s) sealed with key ${id}`);
    }
  }
  return lines;
}

/**
 * Runs the check under an advisory lock (processes starting together decide one after another, so two
 * different secrets cannot both be adopted by a fresh database). Throws SecretCheckError to refuse.
 */
export async function checkSecrets(db: Db, keyring: Keyring, options: SecretCheckOptions): Promise<SecretCheckOutcome> {
  const who = options.who ?? 'start the server';
  return db.tx(async (q) => {
    await q.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
    const known = await q.query<{ key_id: string; check_value: string }>('SELECT key_id, check_value FROM secret_keys');
    const uses = await keyIdsInUse(q);
    const current = known.find((k) => k.key_id === keyring.currentId);
    if (current && !checkValueMatches(keyring, current.key_id, current.check_value))
      throw new SecretCheckError(
        `VERITY_SECRET's key id ${keyring.currentId} is recorded in this database, but its check value does not match: ` +
          'this is a different secret. Set VERITY_SECRET to the secret this database uses (docs/secrets.md).',
      );
    const heldKnown = known.filter((k) => checkValueMatches(keyring, k.key_id, k.check_value));
    const unknownSecret = known.length > 0 && heldKnown.length === 0;
    const wrongSecret =
      `VERITY_SECRET (key id ${keyring.currentId}) is not a secret this database has seen ` +
      `(it knows key id ${known.map((k) => k.key_id).join(', ')}). Set VERITY_SECRET to the secret this database uses — ` +
      `every process, the server and the CLI, needs the same one.`;

    const missing = await missingReport(q, keyring, uses);
    if (missing.length)
      throw new SecretCheckError(
        [
          ...(unknownSecret ? [wrongSecret, ''] : []),
          `Refusing to ${who}: sealed data needs a server secret this process does not hold:`,
          ...missing,
          'If an earlier secret was dropped too early: put it back in VERITY_PREVIOUS_SECRETS (keep the new VERITY_SECRET),',
          `restart, run ${ROTATE}, check \`npm run verity -- secrets status\`, then drop it (docs/secrets.md).`,
          'VERITY_ACCEPT_NEW_SECRET does not override this: the data above cannot be opened without its secret.',
        ].join('\n'),
      );

    let outcome: SecretCheckOutcome;
    if (known.length === 0) outcome = uses.size ? 'upgraded' : 'fresh';
    else if (current) outcome = 'known';
    else if (heldKnown.length) outcome = 'rotated';
    else if (options.acceptNew) outcome = 'adopted';
    else
      throw new SecretCheckError(
        `Refusing to ${who}: ${wrongSecret}\n` +
          'To adopt this secret on purpose (no sealed data needs the old one), set VERITY_ACCEPT_NEW_SECRET=true for one start (docs/secrets.md).',
      );

    // Record the current key; before 019 (upgraded), also the other held keys the data proves in use.
    const record = outcome === 'upgraded' ? [keyring.currentId, ...[...uses.keys()].filter((id) => id !== keyring.currentId)] : [keyring.currentId];
    for (const id of record)
      await q.query(
        `INSERT INTO secret_keys (key_id, check_value) VALUES ($1, $2)
         ON CONFLICT (key_id) DO UPDATE SET last_seen_at = now()`,
        [id, checkValueOf(keyring, id)],
      );
    return outcome;
  });
}

/** For /api/health/ready: the current key is recorded and this keyring reproduces its check value
 *  (one primary-key read). */
export async function currentSecretRecorded(db: Queryable, keyring: Keyring): Promise<boolean> {
  const [row] = await db.query<{ check_value: string }>('SELECT check_value FROM secret_keys WHERE key_id = $1', [keyring.currentId]);
  return row !== undefined && checkValueMatches(keyring, keyring.currentId, row.check_value);
}
