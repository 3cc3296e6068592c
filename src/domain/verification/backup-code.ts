// Verification method BackupCode (E19 generate, E20 verify). A generated record holds the new set's
// codes as keyed HMACs only (the codes themselves are shown once, in E19's answer) until E22 binds
// them; a verify record proves one of the user's unused codes, which is marked used at once.
import { z } from 'zod';
import { LogtoError } from '../errors.ts';
import type { VerificationMethod } from './types.ts';

export const BackupCodeDigestSchema = z.object({ digest: z.string(), keyId: z.string() });

export const BackupCodeRecord = z.object({
  id: z.string(),
  type: z.literal('BackupCode'),
  userId: z.string(),
  /** Generated records only: the new set. */
  codes: z.array(BackupCodeDigestSchema).optional(),
  verified: z.boolean(),
});
export type BackupCodeRecord = z.infer<typeof BackupCodeRecord>;

export const backupCodeMethod: VerificationMethod<BackupCodeRecord> = {
  type: 'BackupCode',
  schema: BackupCodeRecord,
  authentication: (record, user) => (record.verified && record.codes === undefined && record.userId === user.id ? { amr: ['otp'], factor: 'backup_code' } : undefined),
  mfa: {
    factor: 'BackupCode',
    proves: (record, userId) => record.verified && record.codes === undefined && record.userId === userId,
    staged(record) {
      if (record.codes === undefined) throw new LogtoError('session.mfa.pending_info_not_found');
      return { type: 'BackupCode', codes: record.codes };
    },
  },
};
