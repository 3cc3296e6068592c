// Use cases U9–U11 (management-core-api.md §3 "MFA verifications"): list, add and remove a user's
// bound MFA factors; each add and removal is audited (User.MfaVerification.Create / .Delete). A TOTP secret is stored sealed (keyring.encrypt); backup codes only as keyed
// HMACs, their plaintext answered once. One TOTP and one backup-code set per user are the unique
// indexes' job (015_mfa.sql), so concurrent adds are decided by the database, not by the checks.
// Throws LogtoError entity.not_found (404: unknown user or verification), user.totp_already_in_use,
// user.totp_secret_invalid, user.backup_code_already_in_use, session.mfa.backup_code_can_not_be_alone,
// user.wrong_backup_code_format (422).
import { generateTotpSecret, otpauthUri, qrCodeDataUrl } from '../../crypto/totp.ts';
import { authenticatorAccountOf } from '../verification/totp.ts';
import * as factors from '../../storage/repos/mfa-factors.ts';
import type { MfaFactorRow } from '../../storage/repos/mfa-factors.ts';
import { randomString } from '../../crypto/keyring.ts';
import { recordAudit } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import { digestBackupCodes, generateBackupCodes, isBackupCodeSet, type BackupCodeDeps } from '../verification/backup-code.ts';
import { findUserRow } from './read.ts';

export type UserMfaDeps = BackupCodeDeps;

export interface MfaVerificationView {
  id: string;
  createdAt: string;
  type: factors.MfaFactorType;
  agent?: string;
  remainCodes?: number;
}

export type NewMfaVerification = { type: 'Totp'; secret?: string } | { type: 'BackupCode'; codes?: string[] };
export type CreatedMfaVerification = { type: 'Totp'; secret: string; secretQrCode: string } | { type: 'BackupCode'; codes: string[] };

const TOTP_SECRET = /^[A-Z2-7]{16,32}$/i;
const newFactorId = () => randomString(21);

function toView(row: MfaFactorRow): MfaVerificationView {
  return {
    id: row.id,
    createdAt: row.created_at.toISOString(),
    type: row.type,
    ...(row.type === 'WebAuthn' && row.agent !== null ? { agent: row.agent } : {}),
    ...(row.type === 'BackupCode' ? { remainCodes: row.remain_codes ?? 0 } : {}),
  };
}

/** U9: the user's factors, oldest first. */
export async function listMfaVerifications(deps: UserMfaDeps, userId: string): Promise<MfaVerificationView[]> {
  await findUserRow(deps, userId);
  return (await factors.listFactors(deps.db, userId)).map(toView);
}

/** Runs an insert, mapping the unique index it may violate to its Logto error. */
async function inserting(write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    const which = factors.mfaUniqueViolationOf(error);
    if (which === 'totp') throw new LogtoError('user.totp_already_in_use');
    if (which === 'backup') throw new LogtoError('user.backup_code_already_in_use');
    throw error;
  }
}

async function addTotp(deps: UserMfaDeps, userId: string, account: string, issuer: string, given: string | undefined): Promise<CreatedMfaVerification> {
  if (await factors.findFactor(deps.db, userId, 'Totp')) throw new LogtoError('user.totp_already_in_use');
  if (given !== undefined && !TOTP_SECRET.test(given)) throw new LogtoError('user.totp_secret_invalid');
  const secret = given ?? generateTotpSecret();
  await inserting(() => factors.insertTotp(deps.db, { id: newFactorId(), userId, sealedSecret: deps.keyring.encrypt(secret), now: deps.clock.now() }));
  return { type: 'Totp', secret, secretQrCode: await qrCodeDataUrl(otpauthUri(secret, issuer, account)) };
}

async function addBackupCodes(deps: UserMfaDeps, userId: string, given: string[] | undefined): Promise<CreatedMfaVerification> {
  const codes = given ?? generateBackupCodes();
  await inserting(() =>
    deps.db.tx(async (q) => {
      // Checked and written under the user's row lock: two concurrent adds cannot both win.
      await factors.lockUserFactors(q, userId);
      const bound = await factors.listFactors(q, userId);
      if (bound.some((f) => f.type === 'BackupCode' && (f.remain_codes ?? 0) > 0)) throw new LogtoError('user.backup_code_already_in_use');
      if (!bound.some((f) => f.type !== 'BackupCode')) throw new LogtoError('session.mfa.backup_code_can_not_be_alone');
      if (given !== undefined && !isBackupCodeSet(given)) throw new LogtoError('user.wrong_backup_code_format');
      const digests = digestBackupCodes(deps.keyring, userId, codes);
      await factors.replaceBackupCodes(q, { id: newFactorId(), userId, now: deps.clock.now(), codes: digests });
    }),
  );
  return { type: 'BackupCode', codes };
}

/** Who changed a user's factors, for the audit row: the Management API caller and its request. */
export interface MfaChangeBy {
  applicationId: string | null;
  ip: string | null;
  userAgent: string | null;
}

/** The audit row of an operator's change (never a secret or code: the factor type only). */
const audit = (deps: UserMfaDeps, key: 'User.MfaVerification.Create' | 'User.MfaVerification.Delete', userId: string, type: string, by: MfaChangeBy) =>
  recordAudit(deps, { key, result: 'Success', userId, method: type, ...by });

/** U10: binds a TOTP (the given secret or a new one) or a backup-code set (given or new).
 *  `issuer` names the server in the authenticator app (the request host). */
export async function createMfaVerification(
  deps: UserMfaDeps,
  userId: string,
  body: NewMfaVerification,
  issuer: string,
  by: MfaChangeBy,
): Promise<CreatedMfaVerification> {
  const user = await findUserRow(deps, userId);
  const created =
    body.type === 'Totp' ? await addTotp(deps, userId, authenticatorAccountOf(user), issuer, body.secret) : await addBackupCodes(deps, userId, body.codes);
  await audit(deps, 'User.MfaVerification.Create', userId, body.type, by);
  return created;
}

/** U11: removes one of the user's factors (another user's factor is not found). */
export async function deleteMfaVerification(deps: UserMfaDeps, userId: string, verificationId: string, by: MfaChangeBy): Promise<void> {
  await findUserRow(deps, userId);
  const type = await factors.deleteFactor(deps.db, userId, verificationId);
  if (!type) throw new LogtoError('entity.not_found');
  await audit(deps, 'User.MfaVerification.Delete', userId, type, by);
}
