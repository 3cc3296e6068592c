// Owns the Account API's audit rows, each naming the caller's user, application, IP and user agent,
// never a password or a code:
//   - one row per verification attempt (A1–A5), `Account.Verification.<method>.<action>`, success or
//     error (with the error code), with the identifier a code was sent to (auditedAttempt);
//   - one Success row per change the user makes to its own account, `Account.<field>.<action>` (e.g.
//     Account.Password.Update), written after it committed, with the new identifier where there is
//     one (recordAccountChange).
// The rows are the seam for Logto's `User.Data.Updated` webhook (domain/audit: deps.events). A failed
// insert propagates (a 500, like every audit row).
import { recordAudit, type AuditDeps } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { AccountCaller } from './caller.ts';

export interface AccountAttempt {
  method: 'Password' | 'EmailVerificationCode' | 'PhoneVerificationCode' | 'Social';
  action: 'Create' | 'Submit';
  identifier?: { type: string; value: string };
}

/** Who and from where, as every row of the family records it. */
const callerFields = (caller: AccountCaller) => ({ userId: caller.userId, applicationId: caller.clientId, ip: caller.ip, userAgent: caller.userAgent });

/** Runs `work`, writes the attempt's row for its outcome, and returns (or rethrows) what it did. */
export async function auditedAttempt<T>(deps: AuditDeps, caller: AccountCaller, attempt: AccountAttempt, work: () => Promise<T>): Promise<T> {
  const base = {
    key: `Account.Verification.${attempt.method}.${attempt.action}`,
    method: attempt.method,
    identifier: attempt.identifier ?? null,
    ...callerFields(caller),
  } as const;
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await recordAudit(deps, { ...base, result: 'Error', error: { code: error instanceof LogtoError ? error.code : 'internal' } });
    throw error;
  }
  await recordAudit(deps, { ...base, result: 'Success' });
  return result;
}

/** The row of a change the caller made to its own account. */
export async function recordAccountChange(
  deps: AuditDeps,
  caller: AccountCaller,
  key: `Account.${string}`,
  identifier?: { type: string; value: string },
): Promise<void> {
  await recordAudit(deps, { key, result: 'Success', identifier: identifier ?? null, ...callerFields(caller) });
}
