// Use cases of the verification routes (E6 password, E7/E8 verification code, E21 new password
// identity): each creates or completes one record of the interaction and answers its id. Password
// and code failures count towards the identifier's lockout, and every attempt is audited.
// Throws what the method modules throw, plus session.interaction_not_found (404),
// session.verification_session_not_found (404), session.verification_blocked_too_many_attempts (400).
import { LogtoError } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { createNewPasswordIdentity } from '../verification/new-password-identity.ts';
import { verifyPasswordIdentifier } from '../verification/password.ts';
import type { Identifier, InteractionEvent } from '../verification/types.ts';
import { recordTypeOf, sendIdentifierCode, verifyIdentifierCode } from '../verification/verification-code.ts';
import { audited } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { assertNotBlocked, clearFailures, recordFailure } from './lockout.ts';
import { recordById, withRecord } from './state.ts';
import { loadSnapshot, newRecordId, updateExperience, type InteractionContext } from './store.ts';

/** Failures that count towards the lockout: a wrong password or a wrong code. */
const COUNTED = new Set(['session.invalid_credentials', 'verification_code.code_mismatch']);

/** Runs a check under the identifier's lockout: blocked → refused; counted failure → recorded. */
async function underLockout<T>(deps: ExperienceDeps, identifier: Identifier, check: () => Promise<T>): Promise<T> {
  const seen = await assertNotBlocked(deps, identifier);
  try {
    const result = await check();
    await clearFailures(deps, identifier, seen);
    return result;
  } catch (error) {
    if (error instanceof LogtoError && COUNTED.has(error.code)) {
      const { blocked } = await recordFailure(deps, identifier);
      if (blocked) throw new LogtoError('session.verification_blocked_too_many_attempts');
    }
    throw error;
  }
}

export async function verifyPassword(deps: ExperienceDeps, context: InteractionContext, identifier: Identifier, password: string) {
  const snapshot = await loadSnapshot(deps, context.uid);
  const { state } = snapshot;
  const key = `Interaction.${state.interactionEvent}.Verification.Password.Submit` as const;
  const record = await audited(
    deps,
    context,
    { key, method: 'Password', identifier },
    () => underLockout(deps, identifier, () => verifyPasswordIdentifier(deps, newRecordId(), identifier, password)),
    (r) => r.userId,
  );
  await updateExperience(deps, context.uid, snapshot, (current) => withRecord(current, record));
  return { verificationId: record.id };
}

export async function sendVerificationCode(
  deps: ExperienceDeps,
  context: InteractionContext,
  identifier: Identifier & { type: 'email' | 'phone' },
  templateType: InteractionEvent,
) {
  const snapshot = await loadSnapshot(deps, context.uid);
  const { state } = snapshot;
  const method = recordTypeOf(identifier.type);
  const key = `Interaction.${state.interactionEvent}.Verification.${method}.Create` as const;
  const record = await audited(deps, context, { key, method, identifier }, () =>
    sendIdentifierCode(deps, context, newRecordId(), identifier, templateType),
  );
  await updateExperience(deps, context.uid, snapshot, (current) => withRecord(current, record));
  return { verificationId: record.id };
}

export async function verifyVerificationCode(
  deps: ExperienceDeps,
  context: InteractionContext,
  identifier: Identifier & { type: 'email' | 'phone' },
  verificationId: string,
  code: string,
) {
  const snapshot = await loadSnapshot(deps, context.uid);
  const { state } = snapshot;
  const method = recordTypeOf(identifier.type);
  const key = `Interaction.${state.interactionEvent}.Verification.${method}.Submit` as const;
  // An unknown id is an attempt too: it is audited like a wrong code.
  const verified = await audited(deps, context, { key, method, identifier }, async () => {
    const record = recordById(state, verificationId, method);
    return underLockout(deps, identifier, () => verifyIdentifierCode(deps, context, record, identifier, code));
  });
  await updateExperience(deps, context.uid, snapshot, (current) => {
    recordById(current, verificationId, method); // replaced meanwhile → 404
    return withRecord(current, verified);
  });
  return { verificationId };
}

export async function createPasswordIdentity(deps: ExperienceDeps, context: InteractionContext, username: string, password: string) {
  const snapshot = await loadSnapshot(deps, context.uid);
  const { state } = snapshot;
  const key = `Interaction.${state.interactionEvent}.Verification.NewPasswordIdentity.Submit` as const;
  const identifier = { type: 'username', value: username } as const;
  const record = await audited(deps, context, { key, method: 'NewPasswordIdentity', identifier }, async () => {
    const { passwordPolicy } = await getSignInExperience(deps.db);
    return createNewPasswordIdentity(deps, passwordPolicy, newRecordId(), username, password);
  });
  await updateExperience(deps, context.uid, snapshot, (current) => withRecord(current, record));
  return { verificationId: record.id };
}
