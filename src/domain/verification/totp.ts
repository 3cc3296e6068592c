// Verification method Totp (E13 secret, E14 verify; RFC 6238). A record either sets up a new TOTP
// (it holds the new secret, sealed with the server secret, until E22 binds it) or, without a
// secret, proves the TOTP the user already has (an MFA proof).
import { z } from 'zod';
import { LogtoError } from '../errors.ts';
import type { VerificationMethod } from './types.ts';

export const TotpRecord = z.object({
  id: z.string(),
  type: z.literal('Totp'),
  userId: z.string(),
  /** New-bind records only: the new secret, sealed (keyring.encrypt). */
  secret: z.string().optional(),
  verified: z.boolean(),
});
export type TotpRecord = z.infer<typeof TotpRecord>;

export const totpMethod: VerificationMethod<TotpRecord> = {
  type: 'Totp',
  schema: TotpRecord,
  authentication: (record, user) => (record.verified && record.secret === undefined && record.userId === user.id ? { amr: ['otp'], factor: 'totp' } : undefined),
  mfa: {
    factor: 'Totp',
    proves: (record, userId) => record.verified && record.secret === undefined && record.userId === userId,
    staged(record) {
      if (!record.verified) throw new LogtoError('session.verification_failed');
      if (record.secret === undefined) throw new LogtoError('session.mfa.pending_info_not_found');
      return { type: 'Totp', secret: record.secret };
    },
  },
};
