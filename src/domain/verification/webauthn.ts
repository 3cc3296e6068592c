// Verification method WebAuthn (E15–E18). A record is either a registration (a challenge for a new
// credential; once verified it holds the credential until E22 binds it) or an authentication (a
// challenge answered by one of the user's credentials: an MFA proof). A challenge is used once:
// verifying clears it.
import { z } from 'zod';
import { LogtoError } from '../errors.ts';
import type { VerificationMethod } from './types.ts';

export const StagedCredentialSchema = z.object({
  credentialId: z.string(),
  publicKey: z.string(),
  counter: z.number(),
  transports: z.array(z.string()),
  backedUp: z.boolean(),
  deviceType: z.string(),
  agent: z.string().nullable(),
});

export const WebAuthnRecord = z.object({
  id: z.string(),
  type: z.literal('WebAuthn'),
  userId: z.string(),
  mode: z.enum(['registration', 'authentication']),
  /** base64url; null once used. */
  challenge: z.string().nullable(),
  /** Epoch ms after which the challenge is refused. */
  expiresAt: z.number(),
  /** Registration, verified: the new credential. */
  credential: StagedCredentialSchema.optional(),
  /** Authentication, verified: the credential that answered and whether it is synced (backed up). */
  credentialId: z.string().optional(),
  backedUp: z.boolean().optional(),
  verified: z.boolean(),
});
export type WebAuthnRecord = z.infer<typeof WebAuthnRecord>;

export const webAuthnMethod: VerificationMethod<WebAuthnRecord> = {
  type: 'WebAuthn',
  schema: WebAuthnRecord,
  // A synced (backed-up) passkey is a software-held key; a device-bound one a hardware key (RFC 8176).
  authentication: (record, user) =>
    record.verified && record.mode === 'authentication' && record.credentialId && record.userId === user.id
      ? { amr: [record.backedUp ? 'swk' : 'hwk'], factor: `webauthn:${record.credentialId}` }
      : undefined,
  mfa: {
    factor: 'WebAuthn',
    proves: (record, userId) => record.verified && record.mode === 'authentication' && record.userId === userId,
    staged(record) {
      if (!record.verified) throw new LogtoError('session.verification_failed');
      if (record.mode !== 'registration' || !record.credential) throw new LogtoError('session.mfa.pending_info_not_found');
      return { type: 'WebAuthn', credential: record.credential };
    },
  },
};
