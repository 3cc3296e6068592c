// Verification records made straight through the domain (records.ts createAccountRecord), standing in
// for A1–A3 in the my-account tests: a bound Password record for the `logto-verification-id` header,
// a code record of a new email or phone for `newIdentifierVerificationRecordId`.
import type { AccountCaller } from '../../src/domain/account/caller.ts';
import { createAccountRecord, newAccountRecordId } from '../../src/domain/account/records.ts';
import type { AccountSuite } from './account.ts';

const depsOf = (suite: AccountSuite) => ({ db: suite.t.db, clock: suite.t.clock });
const callerOf = (userId: string) => ({ userId }) as AccountCaller;

/** A bound, verified Password record of `userId` (the header value). */
export async function passwordRecord(suite: AccountSuite, userId: string, options: { bound?: boolean } = {}): Promise<string> {
  const id = newAccountRecordId();
  await createAccountRecord(depsOf(suite), callerOf(userId), { id, type: 'Password', identifier: { type: 'userId', value: userId }, verified: true }, options.bound ?? true);
  return id;
}

/** A code record of `userId` for `value` (verified and unbound unless told): a new identifier's
 *  proof, or with `bound` a proof of the caller's own address. */
export async function codeRecord(
  suite: AccountSuite,
  userId: string,
  type: 'email' | 'phone',
  value: string,
  options: { verified?: boolean; bound?: boolean } = {},
): Promise<string> {
  const id = newAccountRecordId();
  const common = { id, codeId: newAccountRecordId(), templateType: 'BindNewIdentifier' as const, verified: options.verified ?? true };
  const record =
    type === 'email'
      ? { ...common, type: 'EmailVerificationCode' as const, identifier: { type: 'email' as const, value } }
      : { ...common, type: 'PhoneVerificationCode' as const, identifier: { type: 'phone' as const, value } };
  await createAccountRecord(depsOf(suite), callerOf(userId), record, options.bound ?? false);
  return id;
}

/** The header carrying a proof record. */
export const proof = (id: string) => ({ 'logto-verification-id': id });
