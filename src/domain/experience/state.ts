// Owns the interaction as plain data (experience-api.md, "Interaction state machine") and its pure
// rules: at most one verification record per type (a new one replaces the old, whose id then
// answers 404), lookups by id, the staged profile.
import { z } from 'zod';
import { BackupCodeDigestSchema } from '../verification/backup-code.ts';
import { VerificationRecord } from '../verification/index.ts';
import { SocialUserInfoSchema } from '../verification/social.ts';
import { InteractionEvent } from '../verification/types.ts';
import { StagedCredentialSchema } from '../verification/webauthn.ts';
import { LogtoError } from '../errors.ts';

export const Profile = z.object({
  username: z.string().optional(),
  primaryEmail: z.string().optional(),
  primaryPhone: z.string().optional(),
  passwordHash: z.string().optional(),
  name: z.string().optional(),
  avatar: z.string().optional(),
  /** A social identity to link (E3 linkSocialIdentity, E24 `social`; experience/social-identify.ts). */
  socialIdentity: z.object({ target: z.string(), userInfo: SocialUserInfoSchema }).optional(),
});
export type Profile = z.infer<typeof Profile>;

/** MFA staged by E22 / E23, written to the user at submit. */
export const StagedMfa = z.object({
  mfaSkipped: z.boolean().optional(),
  /** The new TOTP secret, sealed, and the step that proved it. */
  totp: z.object({ secret: z.string(), step: z.number().optional() }).optional(),
  webAuthn: z.array(StagedCredentialSchema).optional(),
  backupCode: z.object({ codes: z.array(BackupCodeDigestSchema) }).optional(),
});
export type StagedMfa = z.infer<typeof StagedMfa>;

export const ExperienceState = z.object({
  interactionEvent: InteractionEvent,
  userId: z.string().optional(),
  profile: Profile,
  mfa: StagedMfa.optional(),
  verificationRecords: z.array(VerificationRecord),
  /** Register: how the user was authenticated by what created it (the record it consumed, a
   *  password it chose); amr.ts counts these with the records. */
  registeredWith: z.array(z.object({ amr: z.array(z.string()), factor: z.string() })).optional(),
});
export type ExperienceState = z.infer<typeof ExperienceState>;

export const initialState = (interactionEvent: InteractionEvent): ExperienceState => ({
  interactionEvent,
  profile: {},
  verificationRecords: [],
});

/** Throws session.verification_session_not_found when there is no record with this id (of this type). */
export function recordById<T extends VerificationRecord['type']>(
  state: ExperienceState,
  id: string,
  type?: T,
): Extract<VerificationRecord, { type: T }> {
  const record = state.verificationRecords.find((r) => r.id === id && (type === undefined || r.type === type));
  if (!record) throw new LogtoError('session.verification_session_not_found');
  return record as Extract<VerificationRecord, { type: T }>;
}

/** The state with `record` stored, replacing any record of its type (rule 2). */
export function withRecord(state: ExperienceState, record: VerificationRecord): ExperienceState {
  return { ...state, verificationRecords: [...state.verificationRecords.filter((r) => r.type !== record.type), record] };
}

export function withoutRecord(state: ExperienceState, id: string): ExperienceState {
  return { ...state, verificationRecords: state.verificationRecords.filter((r) => r.id !== id) };
}
