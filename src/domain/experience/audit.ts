// Owns how the Experience API records its audit rows: one per verification attempt and per
// interaction outcome, with the request's interaction, application, IP and user agent. A failure is
// recorded with its error code and rethrown, so every route records alike.
import { recordAudit, type AuditKey } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { ExperienceDeps } from './deps.ts';
import type { InteractionContext } from './store.ts';

export interface Attempt {
  key: AuditKey;
  method?: string;
  identifier?: { type: string; value: string };
  userId?: string | null;
}

/** Runs `work`, writes the audit row for its outcome, and returns (or rethrows) what it did. */
export async function audited<T>(
  deps: ExperienceDeps,
  context: InteractionContext,
  attempt: Attempt,
  work: () => Promise<T>,
  userOf: (result: T) => string | null | undefined = () => attempt.userId,
): Promise<T> {
  const base = {
    key: attempt.key,
    applicationId: context.applicationId,
    interactionId: context.uid,
    method: attempt.method ?? null,
    identifier: attempt.identifier ?? null,
    ip: context.ip,
    userAgent: context.userAgent,
  };
  try {
    const result = await work();
    await recordAudit(deps, { ...base, result: 'Success', userId: userOf(result) ?? attempt.userId ?? null });
    return result;
  } catch (error) {
    const code = error instanceof LogtoError ? error.code : 'internal';
    await recordAudit(deps, { ...base, result: 'Error', userId: attempt.userId ?? null, error: { code } });
    throw error;
  }
}
