// Owns how the Experience API records its audit rows: one per verification attempt and per
// interaction outcome, with the request's interaction, application, IP and user agent. A failure is
// recorded with its error code and rethrown, so every route records alike. A request refused for
// not holding the interaction's browser binding (store.ts) gets a row of its own,
// `Interaction.<event>.BrowserBinding`: a planted interaction cookie shows up there. A success row
// may ride on the statement of the state change that ends the work (`carry`, see store.ts), so the
// change and its row commit together in one round trip. A refusal may carry an `auditNote` saying
// what was refused (a counter that went backwards), recorded as the row's error message.
import {
  carriedAudit,
  recordAudit,
  recordCarried,
  type AuditDeps,
  type AuditKey,
  type CarriedAudit,
  type InteractionEvent,
} from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { ExperienceDeps } from './deps.ts';
import type { InteractionContext } from './store.ts';

export interface Attempt {
  key: AuditKey;
  method?: string;
  identifier?: { type: string; value: string };
  userId?: string | null;
}

/** The success row, for the work to hand to its last state change (which writes it, store.ts). */
export type Carry = (userId?: string | null) => CarriedAudit;

/**
 * Runs `work`, writes the audit row for its outcome, and returns (or rethrows) what it did. A success
 * row the work carried is not written again; once it is written the outcome is on record, so an
 * error after it adds no Error row (a verification whose record could not be stored, as before).
 */
export async function audited<T>(
  deps: ExperienceDeps,
  context: InteractionContext,
  attempt: Attempt,
  work: (carry: Carry) => Promise<T>,
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
  let carried: CarriedAudit | undefined;
  const carry: Carry = (userId) => (carried = carriedAudit(deps, { ...base, result: 'Success', userId: userId ?? attempt.userId ?? null }));
  try {
    const result = await work(carry);
    if (carried) await recordCarried(deps, carried);
    else await recordAudit(deps, { ...base, result: 'Success', userId: userOf(result) ?? attempt.userId ?? null });
    return result;
  } catch (error) {
    if (carried?.written) throw error;
    const code = error instanceof LogtoError ? error.code : 'internal';
    const note = auditNoteOf(error);
    await recordAudit(deps, { ...base, result: 'Error', userId: attempt.userId ?? null, error: { code, ...(note ? { message: note } : {}) } });
    throw error;
  }
}

/** What a refusal wants its audit row to say instead of the catalogue message (a LogtoError with a
 *  string `auditNote`, e.g. verification/webauthn-ceremony.ts); never a secret, never sent to the client. */
function auditNoteOf(error: unknown): string | undefined {
  const note = error instanceof LogtoError ? (error as { auditNote?: unknown }).auditNote : undefined;
  return typeof note === 'string' ? note : undefined;
}

/** The row for a request that does not hold the interaction's browser binding. */
export async function auditUnbound(deps: AuditDeps, context: InteractionContext, event: InteractionEvent): Promise<void> {
  await recordAudit(deps, {
    key: `Interaction.${event}.BrowserBinding`,
    result: 'Error',
    applicationId: context.applicationId,
    interactionId: context.uid,
    ip: context.ip,
    userAgent: context.userAgent,
    error: {
      code: 'session.interaction_not_found',
      message: context.binding.presented ? 'The browser binding does not match this interaction.' : 'No browser binding was presented.',
    },
  });
}
