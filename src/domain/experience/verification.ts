// Use cases of the verification routes (E6 password, E7/E8 verification code, E21 new password
// identity): each creates or completes one record of the interaction and answers its id. Password
// and code failures count towards the identifier's lockout, and every attempt is audited.
// Throws what the method modules throw, plus session.interaction_not_found (404),
// session.verification_session_not_found (404), session.verification_blocked_too_many_attempts (400).
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import type { VerificationRecord } from '../verification/index.ts';
import { createNewPasswordIdentity } from '../verification/new-password-identity.ts';
import { verifyPasswordIdentifier } from '../verification/password.ts';
import type { Identifier, InteractionEvent } from '../verification/types.ts';
import { experienceCodeScope, recordTypeOf, sendIdentifierCode, verifyIdentifierCode } from '../verification/verification-code.ts';
import { recordCarried } from '../audit/index.ts';
import { audited } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { assertNoneBlocked, assertNotBlocked, clearFailures, lockoutGuard, recordFailure, type LockoutDeps, type LockoutGuard } from './lockout.ts';
import { recordById, withRecord, type ExperienceState } from './state.ts';
import type { Gate } from '../../storage/repos/experience.ts';
import { loadSnapshot, newRecordId, updateExperience, updateExperienceGated, type InteractionContext } from './store.ts';

/** Failures that count towards the lockout: a wrong password or a wrong code. */
const COUNTED = new Set(['session.invalid_credentials', 'verification_code.code_mismatch', 'session.mfa.invalid_totp_code', 'session.mfa.invalid_backup_code']);

/**
 * Runs a check under the lockout of one identifier or several (the Account API's password check
 * counts under each identifier of the user): any blocked → refused before the check; counted
 * failure → recorded under each, answered as blocked when one is now blocked; success → each
 * one's failures forgotten. A check of one identifier that takes the guard (`folded`) reads the
 * lockout row with its own first statement and has the guard judge it before checking anything;
 * otherwise the rows are read here first (several in one statement).
 */
export async function underLockout<T>(
  deps: LockoutDeps,
  identifiers: Identifier | readonly Identifier[],
  check: (guard: LockoutGuard | undefined) => Promise<T>,
  folded = false,
): Promise<T> {
  const list = 'type' in identifiers ? [identifiers] : identifiers;
  const guard = folded && list.length === 1 ? lockoutGuard(deps, list[0]!) : undefined;
  const seen = guard ? undefined : list.length === 1 ? [await assertNotBlocked(deps, list[0]!)] : await assertNoneBlocked(deps, list);
  try {
    const result = await check(guard);
    // A folded check that somehow never judged: assume failures are on record (a delete at most).
    await Promise.all(list.map((identifier, n) => clearFailures(deps, identifier, seen?.[n] ?? guard?.seen ?? { failures: true })));
    return result;
  } catch (error) {
    if (error instanceof LogtoError && COUNTED.has(error.code)) {
      const recorded = await Promise.all(list.map((identifier) => recordFailure(deps, identifier)));
      if (recorded.some(({ blocked }) => blocked)) throw new LogtoError('session.verification_blocked_too_many_attempts');
    }
    throw error;
  }
}

/**
 * What the statement storing an attempt's record must also check (repos/experience.ts Gate), and
 * the judgement of its row: throws to refuse the attempt when not ok (nothing was stored); when ok,
 * may finish up (the record is stored).
 */
export interface AttemptGate {
  sql: Gate;
  judge(row: { ok: boolean } & Record<string, unknown>): Promise<void>;
}

/**
 * One verification attempt: reads the interaction, runs `work` on it under an audit row keyed by the
 * event and method, and stores the record it returns (replacing the record of its type). A record
 * that completes an earlier one (`completes`) must still be there when it is stored, and pass
 * `unchanged` as stored then (the change re-runs on a fresh read when another request wrote first).
 * An attempt for the identified user (`forUser`: the MFA methods) names that user in its row even
 * when it fails.
 */
export async function attempt<R extends VerificationRecord>(
  deps: ExperienceDeps,
  context: InteractionContext,
  what: {
    method: R['type'];
    action: 'Create' | 'Submit';
    identifier?: Identifier;
    completes?: string;
    unchanged?: (stored: R) => void;
    forUser?: boolean;
    /** A condition the statement storing the record checks (AttemptGate), asked for once work is done. */
    gate?: () => AttemptGate | undefined;
  },
  work: (state: ExperienceState) => Promise<R>,
): Promise<{ verificationId: string }> {
  const snapshot = await loadSnapshot(deps, context);
  const key = `Interaction.${snapshot.state.interactionEvent}.Verification.${what.method}.${what.action}` as const;
  const userOf = (r: R) => ('userId' in r ? r.userId : undefined);
  const record = await audited(
    deps,
    context,
    { key, method: what.method, identifier: what.identifier, userId: what.forUser ? snapshot.state.userId : undefined },
    async (carry) => {
      const made = await work(snapshot.state);
      // The attempt's success row rides on the statement storing its record; the attempt succeeded
      // whatever happens to that statement, so when the record cannot be stored the row is written
      // on its own (no Error row follows: audited sees it written). When the record it completes
      // was replaced or used meanwhile the attempt is refused: audited writes the Error row.
      const audit = carry(userOf(made));
      let refusal: unknown;
      const change = (current: ExperienceState) => {
        if (what.completes) {
          try {
            const stored = recordById(current, what.completes, what.method); // replaced meanwhile → 404
            what.unchanged?.(stored as unknown as R); // e.g. a challenge another request used meanwhile
          } catch (error) {
            throw (refusal = error);
          }
        }
        return withRecord(current, made);
      };
      const gate = what.gate?.();
      try {
        if (!gate) await updateExperience(deps, context, snapshot, change, audit);
        else {
          const row = await updateExperienceGated(deps, context, snapshot, change, gate.sql, audit);
          await gate.judge(row).catch((error: unknown) => {
            throw (refusal = error);
          });
        }
      } catch (error) {
        if (error !== refusal) await recordCarried(deps, audit);
        throw error;
      }
      return made;
    },
    userOf,
  );
  return { verificationId: record.id };
}

export function verifyPassword(deps: ExperienceDeps, context: InteractionContext, identifier: Identifier, password: string) {
  return attempt(deps, context, { method: 'Password', action: 'Submit', identifier }, () =>
    underLockout(deps, identifier, (guard) => verifyPasswordIdentifier(deps, newRecordId(), identifier, password, guard), true),
  );
}

export function sendVerificationCode(
  deps: ExperienceDeps,
  context: InteractionContext,
  identifier: Identifier & { type: 'email' | 'phone' },
  templateType: InteractionEvent,
) {
  return attempt(deps, context, { method: recordTypeOf(identifier.type), action: 'Create', identifier }, () =>
    sendIdentifierCode(deps, { scope: experienceCodeScope(context.uid), ip: context.ip }, newRecordId(), identifier, templateType),
  );
}

export function verifyVerificationCode(
  deps: ExperienceDeps,
  context: InteractionContext,
  identifier: Identifier & { type: 'email' | 'phone' },
  verificationId: string,
  code: string,
) {
  const method = recordTypeOf(identifier.type);
  // An unknown id is an attempt too: it is audited like a wrong code.
  return attempt(deps, context, { method, action: 'Submit', identifier, completes: verificationId }, async (state) => {
    const record = recordById(state, verificationId, method);
    return underLockout(deps, identifier, (guard) => verifyIdentifierCode(deps, experienceCodeScope(context.uid), record, identifier, code, guard), true);
  });
}

export function createPasswordIdentity(deps: ExperienceDeps, context: InteractionContext, username: string, password: string) {
  const identifier = { type: 'username', value: username } as const;
  return attempt(deps, context, { method: 'NewPasswordIdentity', action: 'Submit', identifier }, async () => {
    const { passwordPolicy } = await getSignInExperience(deps.db);
    return createNewPasswordIdentity(deps, passwordPolicy, newRecordId(), username, password);
  });
}
