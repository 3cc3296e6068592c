// Owns the SQL of user_mfa_factors and user_backup_codes (015_mfa.sql). Uniqueness (one TOTP and
// one backup-code set per user, a WebAuthn credential for one user) is the indexes' job: callers
// map SQLSTATE 23505 with mfaUniqueViolationOf. Every use of a factor that must happen once (a TOTP
// step, a backup code, a WebAuthn counter) is one compare-and-set statement.
import { uniqueViolationText, type Queryable } from '../db.ts';

export type MfaFactorType = 'Totp' | 'WebAuthn' | 'BackupCode';

export interface MfaFactorRow {
  id: string;
  user_id: string;
  type: MfaFactorType;
  created_at: Date;
  last_used_at: Date | null;
  totp_secret: string | null;
  totp_step: string | null;
  credential_id: string | null;
  public_key: string | null;
  counter: string | null;
  transports: string[] | null;
  backed_up: boolean | null;
  device_type: string | null;
  agent: string | null;
  /** BackupCode rows of listFactors only: how many of its codes are unused. */
  remain_codes?: number;
}

/** A bound factor as the MFA rules see it: its type, and a backup-code set's unused codes. */
export interface FactorSummary {
  type: MfaFactorType;
  remainCodes?: number;
  /** Totp: its id and sealed secret (a TOTP check then needs no read of its own). */
  id?: string;
  secret?: string;
}

/** SQL: the factors of the user whose id is `userId` (an SQL expression), oldest first, as a JSON
 *  array of FactorSummary; one index scan (user_mfa_factors_user), for a statement to carry along. */
export const FACTOR_SUMMARIES = (userId: string) => `(SELECT COALESCE(jsonb_agg(jsonb_strip_nulls(jsonb_build_object('type', f.type, 'remainCodes',
    CASE WHEN f.type = 'BackupCode' THEN (SELECT count(*) FROM user_backup_codes c WHERE c.factor_id = f.id AND c.used_at IS NULL) END,
    'id', CASE WHEN f.type = 'Totp' THEN f.id END, 'secret', f.totp_secret))
    ORDER BY f.created_at, f.id), '[]'::jsonb) FROM user_mfa_factors f WHERE f.user_id = ${userId})`;

/** The user's factors as FACTOR_SUMMARIES reads them. */
export async function factorSummaries(q: Queryable, userId: string): Promise<FactorSummary[]> {
  const rows = await q.query<{ factors: FactorSummary[] }>(`SELECT ${FACTOR_SUMMARIES('$1')} AS factors`, [userId]);
  return rows[0]!.factors;
}

/** A new WebAuthn credential as the registration verified it. */
export interface NewWebAuthnCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  backedUp: boolean;
  deviceType: string;
  agent: string | null;
}

/** A backup code as stored: a keyed HMAC and the key it was made with. */
export interface BackupCodeDigest {
  digest: string;
  keyId: string;
}

/** Which unique index a 23505 names: the user's TOTP, its backup-code set, or a credential. */
export function mfaUniqueViolationOf(error: unknown): 'totp' | 'backup' | 'credential' | null {
  const where = uniqueViolationText(error);
  if (where === null) return null;
  if (where.includes('user_mfa_factors_one_totp')) return 'totp';
  if (where.includes('user_mfa_factors_one_backup_set')) return 'backup';
  if (where.includes('user_mfa_factors_credential')) return 'credential';
  return null;
}

/** The user's factors, oldest first; a backup-code set with its count of unused codes. */
export async function listFactors(q: Queryable, userId: string): Promise<MfaFactorRow[]> {
  return q.query<MfaFactorRow>(
    `SELECT f.*, CASE WHEN f.type = 'BackupCode'
              THEN (SELECT count(*)::int FROM user_backup_codes c WHERE c.factor_id = f.id AND c.used_at IS NULL) END AS remain_codes
       FROM user_mfa_factors f WHERE f.user_id = $1 ORDER BY f.created_at, f.id`,
    [userId],
  );
}

/** The user's factor of one type (the TOTP, the backup-code set); WebAuthn: the oldest. */
export async function findFactor(q: Queryable, userId: string, type: MfaFactorType): Promise<MfaFactorRow | null> {
  const rows = await q.query<MfaFactorRow>(
    'SELECT * FROM user_mfa_factors WHERE user_id = $1 AND type = $2 ORDER BY created_at, id LIMIT 1',
    [userId, type],
  );
  return rows[0] ?? null;
}

/** A new TOTP; `step`: the step already used (the one whose code proved the secret), if any. */
export async function insertTotp(q: Queryable, f: { id: string; userId: string; sealedSecret: string; step?: number; now: Date }): Promise<void> {
  await q.query(`INSERT INTO user_mfa_factors (id, user_id, type, created_at, totp_secret, totp_step) VALUES ($1, $2, 'Totp', $3, $4, $5)`, [
    f.id,
    f.userId,
    f.now,
    f.sealedSecret,
    f.step ?? null,
  ]);
}

/**
 * The compare-and-set of a TOTP's last accepted step (true for the one caller that moves it forward
 * to `step`; a step at or before the last accepted one is refused), as a gate of the statement that
 * stores the TOTP record (repos/experience.ts Gate), behind the lockout: the identifiers' lockout rows (identifier_lockouts, keys `lockoutKeys`) are
 * read by the same statement, and the step is taken only when none of them is blocked at `now`. The
 * gate row: ok (the step was taken), blocked (a block runs), failures (failures are on record).
 */
export function totpStepGate(factorId: string, step: number, now: Date, lockoutKeys: readonly string[]) {
  return (first: number) => ({
    ctes: `l AS (SELECT blocked_until FROM identifier_lockouts WHERE identifier_hash = ANY($${first}::text[])),
      adv AS (UPDATE user_mfa_factors SET totp_step = $${first + 1}, last_used_at = $${first + 2}
               WHERE id = $${first + 3} AND type = 'Totp' AND (totp_step IS NULL OR totp_step < $${first + 1})
                 AND NOT EXISTS (SELECT 1 FROM l WHERE blocked_until > $${first + 2}) RETURNING id),
      gate AS (SELECT EXISTS (SELECT 1 FROM adv) AS ok, EXISTS (SELECT 1 FROM l WHERE blocked_until > $${first + 2}) AS blocked,
                      EXISTS (SELECT 1 FROM l) AS failures)`,
    params: [lockoutKeys, step, now, factorId],
  });
}

export async function insertWebAuthn(q: Queryable, f: { id: string; userId: string; now: Date } & NewWebAuthnCredential): Promise<void> {
  await q.query(
    `INSERT INTO user_mfa_factors (id, user_id, type, created_at, credential_id, public_key, counter, transports, backed_up, device_type, agent)
     VALUES ($1, $2, 'WebAuthn', $3, $4, $5, $6, $7::jsonb, $8, $9, $10)`,
    [f.id, f.userId, f.now, f.credentialId, f.publicKey, f.counter, JSON.stringify(f.transports), f.backedUp, f.deviceType, f.agent],
  );
}

/** The user's WebAuthn credentials (for allowCredentials / excludeCredentials). */
export async function listWebAuthn(q: Queryable, userId: string): Promise<MfaFactorRow[]> {
  return q.query<MfaFactorRow>(`SELECT * FROM user_mfa_factors WHERE user_id = $1 AND type = 'WebAuthn' ORDER BY created_at, id`, [userId]);
}

/** The credential with this id, whoever owns it. */
export async function findCredential(q: Queryable, credentialId: string): Promise<MfaFactorRow | null> {
  const rows = await q.query<MfaFactorRow>(`SELECT * FROM user_mfa_factors WHERE credential_id = $1 AND type = 'WebAuthn'`, [credentialId]);
  return rows[0] ?? null;
}

/**
 * Compare-and-set of a credential's sign counter after an assertion: stores `next` only while the
 * counter is still `seen` (the value the assertion was checked against); false when another
 * assertion moved it first.
 */
export async function advanceCounter(q: Queryable, factorId: string, seen: number, next: number, now: Date): Promise<boolean> {
  const rows = await q.query(
    `UPDATE user_mfa_factors SET counter = $3, last_used_at = $4 WHERE id = $1 AND type = 'WebAuthn' AND counter = $2 RETURNING id`,
    [factorId, seen, next, now],
  );
  return rows.length === 1;
}

/**
 * The user's backup-code set becomes `codes` (a new set replaces the old one), in one statement:
 * the old set (and by cascade its codes) deleted, the new one inserted.
 */
export async function replaceBackupCodes(
  q: Queryable,
  f: { id: string; userId: string; now: Date; codes: readonly BackupCodeDigest[] },
): Promise<void> {
  await q.query(
    `WITH gone AS (DELETE FROM user_mfa_factors WHERE user_id = $2 AND type = 'BackupCode' RETURNING id),
     factor AS (INSERT INTO user_mfa_factors (id, user_id, type, created_at)
                SELECT $1, $2, 'BackupCode', $3 FROM (SELECT count(*) FROM gone) g RETURNING id)
     INSERT INTO user_backup_codes (factor_id, user_id, digest, key_id)
     SELECT factor.id, $2, c.digest, c.key_id FROM factor, unnest($4::text[], $5::text[]) AS c(digest, key_id)`,
    [f.id, f.userId, f.now, f.codes.map((c) => c.digest), f.codes.map((c) => c.keyId)],
  );
}

/**
 * Serialises changes to the user's backup-code set until the transaction ends, so that a check of
 * its unused codes and the replaceBackupCodes after it decide once per user. The user's row is
 * locked rather than the set's, which may not exist yet or may be replaced meanwhile (a replace's
 * DELETE would then see the set another caller just committed). NO KEY UPDATE: inserts of factors
 * referencing the user are not held up.
 */
export async function lockUserFactors(q: Queryable, userId: string): Promise<void> {
  await q.query('SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE', [userId]);
}

/**
 * Uses one of the user's unused backup codes whose digest is among `digests` (the presented code
 * under each key the server holds): true for the one caller that marks it used.
 */
export async function useBackupCode(q: Queryable, userId: string, digests: readonly string[], now: Date): Promise<boolean> {
  // Two concurrent uses of one code: the second waits for the first's row lock, then sees used_at
  // set and updates nothing.
  const rows = await q.query(
    `WITH used AS (
       UPDATE user_backup_codes SET used_at = $3 WHERE user_id = $1 AND digest = ANY($2::text[]) AND used_at IS NULL RETURNING factor_id)
     UPDATE user_mfa_factors SET last_used_at = $3 WHERE id IN (SELECT factor_id FROM used) RETURNING id`,
    [userId, digests, now],
  );
  return rows.length === 1;
}

/** Deletes one of the user's factors: its type, or null when the user has no factor with that id. */
export async function deleteFactor(q: Queryable, userId: string, id: string): Promise<MfaFactorType | null> {
  const rows = await q.query<{ type: MfaFactorType }>('DELETE FROM user_mfa_factors WHERE user_id = $1 AND id = $2 RETURNING type', [userId, id]);
  return rows[0]?.type ?? null;
}
