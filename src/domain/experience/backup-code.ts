// Use cases E19 (generate a new backup-code set for the identified user; bound later by E22) and
// E20 (prove MFA with one of the user's unused backup codes). Both are audited verification
// attempts (method BackupCode); a wrong code counts in the lockout as a wrong TOTP does (mfa.ts
// underMfaLockout). No code is
// ever part of an audit row or a log line.
// Throws LogtoError session.identifier_not_found (404), session.mfa.invalid_backup_code (400),
// session.verification_blocked_too_many_attempts (400), session.interaction_not_found (404).
import { createBackupCodeRecord, verifyBackupCode } from '../verification/backup-code.ts';
import type { ExperienceDeps } from './deps.ts';
import { identifiedUserId, startFactor } from './mfa.ts';
import { underMfaLockout } from './mfa-lockout.ts';
import { newRecordId, type InteractionContext } from './store.ts';
import { attempt } from './verification.ts';

export async function createBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext): Promise<{ verificationId: string; codes: string[] }> {
  return startFactor(deps, context, 'BackupCode', async (userId) => {
    const made = createBackupCodeRecord(deps, newRecordId(), userId);
    return { record: made.record, shown: { codes: made.codes } };
  });
}

export function verifyBackupCodeVerification(deps: ExperienceDeps, context: InteractionContext, code: string): Promise<{ verificationId: string }> {
  return attempt(deps, context, { method: 'BackupCode', action: 'Submit', forUser: true }, async (state) => {
    const userId = identifiedUserId(state);
    return underMfaLockout(deps, state, userId, () => verifyBackupCode(deps, newRecordId(), userId, code));
  });
}
