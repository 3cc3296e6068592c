// Owns the audit rows of the signed-in user's changes to its own account (`Account.<field>.<action>`,
// e.g. Account.Password.Update): one Success row per change, written after it committed, with who
// (user, application), from where (ip, user agent) and, for an identifier, the new value. The rows are
// the seam for Logto's `User.Data.Updated` webhook (domain/audit: deps.events). Throws nothing of
// its own (a failed insert propagates as a 500, like every audit row).
import { recordAudit } from '../audit/index.ts';
import type { AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';

export async function recordAccountChange(
  deps: Pick<AccountDeps, 'db' | 'clock' | 'events'>,
  caller: AccountCaller,
  key: `Account.${string}`,
  identifier?: { type: string; value: string },
): Promise<void> {
  await recordAudit(deps, {
    key,
    result: 'Success',
    userId: caller.userId,
    applicationId: caller.clientId,
    ip: caller.ip,
    userAgent: caller.userAgent,
    identifier: identifier ?? null,
  });
}
