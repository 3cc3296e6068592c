// Owns the contract every verification method implements (STYLE: one module per method behind one
// small interface, plus a registry). A record is tagged JSON stored in the interaction; what a
// method adds to identification and registration is declared here, so identification, profile and
// submit never switch on a record type.
import { z } from 'zod';
import type { Queryable } from '../../storage/db.ts';
import type { NewWebAuthnCredential } from '../../storage/repos/mfa-factors.ts';
import type { UserRow } from '../../storage/repos/users.ts';

export const InteractionEvent = z.enum(['SignIn', 'Register', 'ForgotPassword']);
export type InteractionEvent = z.infer<typeof InteractionEvent>;

export const IdentifierType = z.enum(['username', 'email', 'phone']);
export type IdentifierType = z.infer<typeof IdentifierType>;
export const Identifier = z.object({ type: IdentifierType, value: z.string() });
export type Identifier = z.infer<typeof Identifier>;
/** The identifier a code is sent to (Experience E7/E8, Account A2/A3): any non-empty value. */
export const CodeIdentifier = z.object({ type: z.enum(['email', 'phone']), value: z.string().min(1) });

/** What every stored record has. */
export interface RecordBase {
  id: string;
  type: string;
  verified: boolean;
}

/** Fields of a new user a verified record provides at registration. */
export interface NewUserFields {
  username?: string;
  primaryEmail?: string;
  primaryPhone?: string;
  passwordHash?: string;
  name?: string;
  avatar?: string;
  /** A federated identity the new user gets (users.identities[target]). */
  socialIdentity?: StagedSocialIdentity;
}

/** A social identity for a user: the connector's target and the provider's user (domain/social/types.ts). */
export interface StagedSocialIdentity {
  target: string;
  userInfo: { id: string; email?: string; phone?: string; name?: string; avatar?: string; rawData?: Record<string, unknown> };
}

export interface VerificationMethod<R extends RecordBase = RecordBase> {
  type: R['type'];
  schema: z.ZodType<R>;
  /** SignIn / ForgotPassword identification through a verified record of this type. */
  identification?: {
    forgotPassword: boolean;
    /** The sign-in setting that must be enabled for SignIn with this record. */
    signInMethod(record: R): { identifier: IdentifierType; method: 'password' | 'verificationCode' };
    /** The identifier named in user.user_not_exist. */
    identifier(record: R): Identifier;
    findUser(q: Queryable, record: R): Promise<UserRow | null>;
    /** How the record names the user findUser finds: by id, or by the email or phone it proves
     *  (its row may then come with a read the request already made: repos/experience.ts NamedUser). */
    named(record: R): { by: 'id' | 'email' | 'phone'; value: string } | undefined;
  };
  /** Register: the new user's fields a verified record provides (`q`: the registration's
   *  transaction, for a method whose fields depend on other users). */
  registration?(record: R, q: Queryable): NewUserFields | Promise<NewUserFields>;
  /** How a verified record of this type authenticated `user`: RFC 8176 `amr` values and the
   *  factor it proved (factors are counted distinct for `mfa`; domain/experience/amr.ts). None
   *  when the record proves nothing about this user (another user's, unverified, a new-bind MFA
   *  record). */
  authentication?(record: R, user: AuthenticatedUser): Authentication | undefined;
  /** MFA factors only (Totp, WebAuthn, BackupCode). */
  mfa?: MfaMethod<R>;
}

/** What authentication() compares a record with. */
export interface AuthenticatedUser {
  id: string;
  username: string | null;
  primary_email: string | null;
  primary_phone: string | null;
  /** Its social identities (users.identities), when known. */
  identities?: Record<string, { userId: string }>;
}

export interface Authentication {
  amr: string[];
  factor: string;
}

export type MfaFactorType = 'Totp' | 'WebAuthn' | 'BackupCode';

/** What a factor's record means to the MFA rules (domain/experience/mfa.ts). */
export interface MfaMethod<R> {
  factor: MfaFactorType;
  /** A verified proof of a factor the user already has (not a record that sets up a new one). */
  proves(record: R, userId: string): boolean;
  /**
   * E22: what binding this record stages; throws session.verification_failed (a new factor not yet
   * proven) or session.mfa.pending_info_not_found (the record sets up nothing).
   */
  staged(record: R): StagedFactor;
}

/** A factor staged for the user by E22, written at submit. */
export type StagedFactor =
  | { type: 'Totp'; secret: string; step?: number }
  | { type: 'WebAuthn'; credential: StagedCredential }
  | { type: 'BackupCode'; codes: { digest: string; keyId: string }[] };

/** A WebAuthn credential as its registration verified it (stored as such at submit). */
export type StagedCredential = NewWebAuthnCredential;

/** Normalises an identifier as users store it: emails trimmed, phones as digits only. */
export function normalizeIdentifier(identifier: Identifier): Identifier {
  if (identifier.type === 'email') return { type: 'email', value: identifier.value.trim() };
  if (identifier.type === 'phone') return { type: 'phone', value: identifier.value.replace(/[\s()+-]/g, '') };
  return identifier;
}
