// Verification method BackupCode (E19 generate, E20 verify). A generated record holds the new set's
// codes as keyed HMACs only (the codes themselves are shown once, in E19's answer) until E22 binds
// them; a verify record proves one of the user's unused codes, which is marked used at once.
// A code's digest is an HMAC of `backup:<userId>:<code>`, so a digest is bound to its user.
// Throws LogtoError session.mfa.invalid_backup_code (400): no codes, an unknown code or a used one.
import { z } from 'zod';
import { randomString, type Keyring } from '../../crypto/keyring.ts';
import type { Db } from '../../storage/db.ts';
import { useBackupCode, type BackupCodeDigest } from '../../storage/repos/mfa-factors.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import type { VerificationMethod } from './types.ts';

export const BACKUP_CODE_COUNT = 10;
export const BACKUP_CODE_LENGTH = 10;
const HEX = '0123456789abcdef';

/** A new set: BACKUP_CODE_COUNT distinct codes of BACKUP_CODE_LENGTH lowercase hex chars (CSPRNG). */
export function generateBackupCodes(): string[] {
  const codes = new Set<string>();
  while (codes.size < BACKUP_CODE_COUNT) codes.add(randomString(BACKUP_CODE_LENGTH, HEX));
  return [...codes];
}

/** Whether `codes` is a well-formed set (U10): exactly BACKUP_CODE_COUNT codes of 10 hex chars. */
export const isBackupCodeSet = (codes: readonly string[]): boolean =>
  codes.length === BACKUP_CODE_COUNT && codes.every((c) => /^[\da-f]{10}$/i.test(c));

const digestOf = (keyring: Keyring, userId: string, code: string, keyId?: string) =>
  keyring.hmac('codes', `backup:${userId}:${code.toLowerCase()}`, keyId);

/** The set as stored: each code's keyed HMAC under the current key. */
export function digestBackupCodes(keyring: Keyring, userId: string, codes: readonly string[]): BackupCodeDigest[] {
  return codes.map((code) => ({ digest: digestOf(keyring, userId, code), keyId: keyring.currentId }));
}

export const BackupCodeDigestSchema = z.object({ digest: z.string(), keyId: z.string() });

export const BackupCodeRecord = z.object({
  id: z.string(),
  type: z.literal('BackupCode'),
  userId: z.string(),
  /** Generated records only: the new set. */
  codes: z.array(BackupCodeDigestSchema).optional(),
  verified: z.boolean(),
});
export type BackupCodeRecord = z.infer<typeof BackupCodeRecord>;

export const backupCodeMethod: VerificationMethod<BackupCodeRecord> = {
  type: 'BackupCode',
  schema: BackupCodeRecord,
  authentication: (record, user) => (record.verified && record.codes === undefined && record.userId === user.id ? { amr: ['otp'], factor: 'backup_code' } : undefined),
  mfa: {
    factor: 'BackupCode',
    proves: (record, userId) => record.verified && record.codes === undefined && record.userId === userId,
    staged(record) {
      if (record.codes === undefined) throw new LogtoError('session.mfa.pending_info_not_found');
      return { type: 'BackupCode', codes: record.codes };
    },
  },
};

export interface BackupCodeDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
}

/** E19: a generated record (digests only) and the plaintext codes, shown once. */
export function createBackupCodeRecord(deps: Pick<BackupCodeDeps, 'keyring'>, id: string, userId: string): { record: BackupCodeRecord; codes: string[] } {
  const codes = generateBackupCodes();
  return { record: { id, type: 'BackupCode', userId, codes: digestBackupCodes(deps.keyring, userId, codes), verified: false }, codes };
}

/**
 * E20: uses one of the user's unused codes. The presented code is digested under every key the
 * server holds and matched by the index (an HMAC lookup, no plaintext compare); the compare-and-set
 * in useBackupCode lets exactly one of concurrent uses of a code win.
 */
export async function verifyBackupCode(deps: BackupCodeDeps, id: string, userId: string, code: string): Promise<BackupCodeRecord> {
  const digests = deps.keyring.keyIds.map((keyId) => digestOf(deps.keyring, userId, code, keyId));
  if (!(await useBackupCode(deps.db, userId, digests, deps.clock.now()))) throw new LogtoError('session.mfa.invalid_backup_code');
  return { id, type: 'BackupCode', userId, verified: true };
}
