// Owns the contract every verification method implements (STYLE: one module per method behind one
// small interface, plus a registry). A record is tagged JSON stored in the interaction; what a
// method adds to identification and registration is declared here, so identification, profile and
// submit never switch on a record type.
import { z } from 'zod';
import type { Queryable } from '../../storage/db.ts';
import type { UserRow } from '../../storage/repos/users.ts';

export const InteractionEvent = z.enum(['SignIn', 'Register', 'ForgotPassword']);
export type InteractionEvent = z.infer<typeof InteractionEvent>;

export const IdentifierType = z.enum(['username', 'email', 'phone']);
export type IdentifierType = z.infer<typeof IdentifierType>;
export const Identifier = z.object({ type: IdentifierType, value: z.string() });
export type Identifier = z.infer<typeof Identifier>;

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
  /** Register: the new user's fields a verified record provides. */
  registration?(record: R): NewUserFields;
}

/** Normalises an identifier as users store it: emails trimmed, phones as digits only. */
export function normalizeIdentifier(identifier: Identifier): Identifier {
  if (identifier.type === 'email') return { type: 'email', value: identifier.value.trim() };
  if (identifier.type === 'phone') return { type: 'phone', value: identifier.value.replace(/[\s()+-]/g, '') };
  return identifier;
}
