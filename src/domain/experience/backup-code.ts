// Use cases E19 (generate a new backup-code set for the identified user; bound later by E22) and
// E20 (prove MFA with one of the user's unused backup codes). Both are audited verification
// attempts (method BackupCode); a wrong code counts in the lockout as a wrong TOTP does (mfa.ts
// underMfaLockout). No code is
// ever part of an audit row or a log line.
// Throws LogtoError session.identifier_not_found (404), session.mfa.invalid_backup_code (400),
// session.verification_blocked_too_many_attempts (400), session.interaction_not_found (404).
import { createBackupCodeRecord, verifyBackupCode } from '../verification/backup-code.ts';
import type { ExperienceDeps } from './deps.ts';
import { identifiedUserId } from './mfa.ts';
import { underMfaLockout } from './mfa-lockout.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

export async function createBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext): Promise<{ verificationId: string; codes: string[] }> {
  let codes: string[] = [];
  const { verificationId } = await attempt(deps, context, { method: 'BackupCode', action: 'Create', forUser: true }, async (state) => {
    const made = createBackupCodeRecord(deps, newRecordId(), identifiedUserId(state));
    codes = made.codes;
    return made.record;
  });
  return { verificationId, codes };
}

export function verifyBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext, code: string): Promise<{ verificationId: string }> {
  return attempt(deps, context, { method: 'BackupCode', action: 'Submit', forUser: true }, async (state) => {
    const userId = identifiedUserId(state);
    return underMfaLockout(deps, state, userId, () => verifyBackupCode(deps, newRecordId(), userId, code));
  });
}
