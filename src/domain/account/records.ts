// Owns the Account API's verification records (account-verifications-api.md "Record model"): tagged
// JSON in verification_records, alive 10 minutes from creation (verifying does not extend it),
// reusable until then, and only ever found by the user whose token made it. How routes present
// them (same file, "How records are presented later"):
//   - the `logto-verification-id` header proves the caller's identity when its record is bound (a
//     password, or a code to the caller's own current email or phone) and verified;
//   - `newIdentifierVerificationRecordId` names a verified record of the new email or phone.
// Throws LogtoError verification_record.permission_denied (401) from assertIdentityVerified,
// verification_record.not_found (400) from newIdentifierRecord and completeAccountRecord.
import { z } from 'zod';
import { randomString } from '../../crypto/keyring.ts';
import {
  findVerificationRecord,
  insertVerificationRecord,
  replaceVerificationRecordData,
} from '../../storage/repos/verification-records.ts';
import type { Clock } from '../clock.ts';
import { SocialRecord } from '../verification/social.ts';
import type { Queryable } from '../../storage/db.ts';
import { LogtoError } from '../errors.ts';
import type { AccountCaller } from './caller.ts';

export const RECORD_TTL_SECONDS = 600;

/** The code templates of the Account API: a code to the caller's own address, or to a new one. */
export const AccountTemplate = z.enum(['UserPermissionValidation', 'BindNewIdentifier']);
export type AccountTemplate = z.infer<typeof AccountTemplate>;

export const AccountPasswordRecord = z.object({
  id: z.string(),
  type: z.literal('Password'),
  identifier: z.object({ type: z.literal('userId'), value: z.string() }),
  verified: z.literal(true),
});

const codeRecord = <T extends 'EmailVerificationCode' | 'PhoneVerificationCode'>(type: T, identifierType: T extends 'EmailVerificationCode' ? 'email' : 'phone') =>
  z.object({
    id: z.string(),
    type: z.literal(type),
    identifier: z.object({ type: z.literal(identifierType), value: z.string() }),
    codeId: z.string(),
    templateType: AccountTemplate,
    verified: z.boolean(),
  });
export const AccountEmailCodeRecord = codeRecord('EmailVerificationCode', 'email');
export const AccountPhoneCodeRecord = codeRecord('PhoneVerificationCode', 'phone');

export const AccountRecord = z.discriminatedUnion('type', [AccountPasswordRecord, AccountEmailCodeRecord, AccountPhoneCodeRecord, SocialRecord]);
export type AccountRecord = z.infer<typeof AccountRecord>;
export type AccountCodeRecord = z.infer<typeof AccountEmailCodeRecord> | z.infer<typeof AccountPhoneCodeRecord>;

export interface RecordDeps {
  db: Queryable;
  clock: Clock;
}

/** What A1, A2 and A4 answer. */
export interface CreatedRecord {
  verificationRecordId: string;
  expiresAt: string;
}

/** Logto record ids: 21 lowercase alphanumerics. */
export const newAccountRecordId = () => randomString(21);

/** Stores a new record of the caller; `bound` when it proves the caller's own identity. */
export async function createAccountRecord(deps: RecordDeps, caller: AccountCaller, record: AccountRecord, bound: boolean): Promise<CreatedRecord> {
  const createdAt = deps.clock.now();
  const expiresAt = new Date(createdAt.getTime() + RECORD_TTL_SECONDS * 1000);
  await insertVerificationRecord(deps.db, { id: record.id, ownerId: caller.userId, bound, data: record, createdAt, expiresAt });
  return { verificationRecordId: record.id, expiresAt: expiresAt.toISOString() };
}

/** The caller's live record `id` and whether it is bound; null when unknown, another user's, expired
 *  or unreadable. */
export async function findAccountRecord(deps: RecordDeps, caller: AccountCaller, id: string): Promise<{ record: AccountRecord; bound: boolean } | null> {
  const row = await findVerificationRecord(deps.db, id, caller.userId, deps.clock.now());
  const parsed = row && AccountRecord.safeParse(row.data);
  return parsed?.success ? { record: parsed.data, bound: row!.bound } : null;
}

/** Replaces `before` with `after` (a record just verified); 400 verification_record.not_found when it
 *  expired or another request completed it meanwhile. */
export async function completeAccountRecord(deps: RecordDeps, caller: AccountCaller, before: AccountRecord, after: AccountRecord): Promise<void> {
  if (!(await replaceVerificationRecordData(deps.db, before.id, caller.userId, before, after, deps.clock.now())))
    throw new LogtoError('verification_record.not_found');
}

/** Whether the request's `logto-verification-id` names a bound, verified, live record of the caller. */
export async function identityVerified(deps: RecordDeps, caller: AccountCaller): Promise<boolean> {
  if (!caller.verificationId) return false;
  const found = await findAccountRecord(deps, caller, caller.verificationId);
  return !!found && found.bound && found.record.verified;
}

/** The sensitive routes' first check (M4–M10): 401 verification_record.permission_denied. */
export async function assertIdentityVerified(deps: RecordDeps, caller: AccountCaller): Promise<void> {
  if (!(await identityVerified(deps, caller))) throw new LogtoError('verification_record.permission_denied');
}

/**
 * The verified code record proving the new email or phone `value` (M5, M7): the caller's, live, of
 * `type`, verified, for exactly that value. Else 400 verification_record.not_found.
 */
export async function newIdentifierRecord(
  deps: RecordDeps,
  caller: AccountCaller,
  id: string,
  type: AccountCodeRecord['type'],
  value: string,
): Promise<AccountCodeRecord> {
  const found = await findAccountRecord(deps, caller, id);
  const record = found?.record;
  if (!record || record.type !== type || !record.verified || record.identifier.value !== value) throw new LogtoError('verification_record.not_found');
  return record;
}
