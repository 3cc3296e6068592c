// Use cases E19 (generate a new backup-code set for the identified user; bound later by E22) and
// E20 (prove MFA with one of the user's unused backup codes). Both are audited verification
// attempts (method BackupCode); a wrong code counts towards the identifier's lockout. No code is
// ever part of an audit row or a log line.
// Throws LogtoError session.identifier_not_found (404), session.mfa.invalid_backup_code (400),
// session.verification_blocked_too_many_attempts (400), session.interaction_not_found (404).
import { LogtoError } from '../errors.ts';
import { createBackupCodeRecord, verifyBackupCode } from '../verification/backup-code.ts';
import type { ExperienceDeps } from './deps.ts';
import { mfaLockoutIdentifier } from './mfa.ts';
import type { ExperienceState } from './state.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt, underLockout } from './verification.ts';

function identifiedUser(state: ExperienceState): string {
  if (!state.userId) throw new LogtoError('session.identifier_not_found');
  return state.userId;
}

export async function createBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext): Promise<{ verificationId: string; codes: string[] }> {
  let codes: string[] = [];
  const { verificationId } = await attempt(deps, context, { method: 'BackupCode', action: 'Create' }, async (state) => {
    const made = createBackupCodeRecord(deps, newRecordId(), identifiedUser(state));
    codes = made.codes;
    return made.record;
  });
  return { verificationId, codes };
}

export function verifyBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext, code: string): Promise<{ verificationId: string }> {
  return attempt(deps, context, { method: 'BackupCode', action: 'Submit' }, async (state) => {
    const userId = identifiedUser(state);
    return underLockout(deps, mfaLockoutIdentifier(state, userId), () => verifyBackupCode(deps, newRecordId(), userId, code));
  });
}
