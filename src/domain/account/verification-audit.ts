// Owns the audit rows of the Account API's verification attempts (A1–A3): one row per attempt,
// `Account.Verification.<method>.<action>`, success or error (with the error code), naming the
// caller's user, application, IP and user agent, and the identifier a code was sent to. Never a
// password or a code.
import { recordAudit, type AuditDeps } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { AccountCaller } from './caller.ts';

export interface AccountAttempt {
  method: 'Password' | 'EmailVerificationCode' | 'PhoneVerificationCode';
  action: 'Create' | 'Submit';
  identifier?: { type: string; value: string };
}

/** Runs `work`, writes the attempt's row for its outcome, and returns (or rethrows) what it did. */
export async function auditedAttempt<T>(deps: AuditDeps, caller: AccountCaller, attempt: AccountAttempt, work: () => Promise<T>): Promise<T> {
  const base = {
    key: `Account.Verification.${attempt.method}.${attempt.action}`,
    method: attempt.method,
    userId: caller.userId,
    applicationId: caller.clientId,
    identifier: attempt.identifier ?? null,
    ip: caller.ip,
    userAgent: caller.userAgent,
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
