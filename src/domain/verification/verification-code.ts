// Verification methods EmailVerificationCode and PhoneVerificationCode (E7 send, E8 verify): a code
// from the platform's code engine, bound to its owner (owner scope `experience:<uid>` for an
// interaction, `account:<recordId>` for an Account API record) and to the identifier it was sent
// to; the caller chooses the message template (the interaction event, or an Account template).
// Throws LogtoError connector.* (sendCode), verification_code.email_mismatch / phone_mismatch,
// verification_code.* (checkSentCode).
import { z } from 'zod';
import { findUserByIdentifier } from '../../storage/repos/users.ts';
import { checkSentCode, sendCode, type CheckGuard, type SendCodeDeps } from '../delivery/send-code.ts';
import { LogtoError } from '../errors.ts';
import { Identifier, InteractionEvent, normalizeIdentifier, type VerificationMethod } from './types.ts';

const TTL_SECONDS = 600;
const MAX_TRIES = 10;

const codeRecord = <T extends 'EmailVerificationCode' | 'PhoneVerificationCode'>(type: T) =>
  z.object({ id: z.string(), type: z.literal(type), identifier: Identifier, codeId: z.string(), templateType: InteractionEvent, verified: z.boolean() });
export const EmailCodeRecord = codeRecord('EmailVerificationCode');
export const PhoneCodeRecord = codeRecord('PhoneVerificationCode');
export type CodeRecord = z.infer<typeof EmailCodeRecord> | z.infer<typeof PhoneCodeRecord>;

export const recordTypeOf = (type: 'email' | 'phone') => (type === 'email' ? 'EmailVerificationCode' : 'PhoneVerificationCode');
/** Who a code belongs to: the engine's owner scope, and the request's IP for the send limits. */
export interface CodeOwnerContext {
  scope: string;
  ip: string | null;
}
/** The owner scope of an interaction's codes. */
export const experienceCodeScope = (uid: string) => `experience:${uid}`;
const ownerOf = (scope: string) => ({ scope, applicationId: null });
/** The code engine's recipient: lower-cased email, digits-only phone. */
const recipientOf = (identifier: Identifier) => (identifier.type === 'email' ? identifier.value.toLowerCase() : identifier.value);

function method<R extends CodeRecord>(type: R['type'], schema: z.ZodType<R>): VerificationMethod<R> {
  return {
    type,
    schema,
    identification: {
      forgotPassword: true,
      signInMethod: (record) => ({ identifier: record.identifier.type, method: 'verificationCode' }),
      identifier: (record) => record.identifier,
      findUser: (q, record) => findUserByIdentifier(q, record.identifier),
      named: (record) => ({ by: record.identifier.type === 'email' ? 'email' : 'phone', value: record.identifier.value }),
    },
    registration: (record) =>
      record.identifier.type === 'email' ? { primaryEmail: record.identifier.value } : { primaryPhone: record.identifier.value },
    // RFC 8176: `sms` for a code by text message; an emailed code is a one-time password (`otp`).
    // The factor is the mailbox or phone it proved: the same address twice is one factor.
    authentication: (record, user) => {
      const { type, value } = record.identifier;
      const own = type === 'email' ? user.primary_email?.toLowerCase() === value.toLowerCase() : user.primary_phone === value;
      return record.verified && own ? { amr: [type === 'phone' ? 'sms' : 'otp'], factor: `${type}:${value.toLowerCase()}` } : undefined;
    },
  };
}
export const emailCodeMethod = method('EmailVerificationCode', EmailCodeRecord);
export const phoneCodeMethod = method('PhoneVerificationCode', PhoneCodeRecord);

/** What every code record holds, whichever API stores it. */
interface SentCodeRecord {
  id: string;
  type: 'EmailVerificationCode' | 'PhoneVerificationCode';
  identifier: Identifier;
  codeId: string;
  templateType: string;
  verified: boolean;
}

/** Sends a code to the identifier with the connector's `templateType` template; the record `R` (an
 *  Experience or Account code record) names it, unverified. */
export async function sendIdentifierCode<R extends SentCodeRecord = CodeRecord>(
  deps: SendCodeDeps,
  context: CodeOwnerContext,
  id: string,
  rawIdentifier: Identifier & { type: 'email' | 'phone' },
  templateType: R['templateType'],
): Promise<R> {
  const identifier = normalizeIdentifier(rawIdentifier) as Identifier & { type: 'email' | 'phone' };
  const channel = identifier.type === 'email' ? 'email' : 'sms';
  const to = identifier.type === 'email' ? identifier.value : `+${identifier.value}`;
  const code = await sendCode(deps, {
    owner: ownerOf(context.scope),
    channel,
    recipient: recipientOf(identifier),
    to,
    usageType: templateType,
    ip: context.ip,
    ttlSeconds: TTL_SECONDS,
    maxAttempts: MAX_TRIES,
  });
  return { id, type: recordTypeOf(identifier.type), identifier, codeId: code.id, templateType, verified: false } as R;
}

/** The caller's lockout guard (experience/lockout.ts LockoutGuard): the code check reads the row
 *  with counting the attempt and has it judged first. */
type LockoutRead = { read(): Promise<void> } & CheckGuard;

/** The record, verified; the identifier must be the one the code was sent to. */
export async function verifyIdentifierCode<R extends SentCodeRecord = CodeRecord>(
  deps: SendCodeDeps,
  scope: string,
  record: R,
  rawIdentifier: Identifier,
  code: string,
  lockout?: LockoutRead,
): Promise<R> {
  const identifier = normalizeIdentifier(rawIdentifier);
  if (recipientOf(identifier) !== recipientOf(record.identifier)) {
    await lockout?.read(); // a block is answered first, as when it was read before anything else
    throw new LogtoError(identifier.type === 'email' ? 'verification_code.email_mismatch' : 'verification_code.phone_mismatch');
  }
  await checkSentCode(deps, record.codeId, ownerOf(scope), identifier.type === 'email' ? 'email' : 'sms', code, lockout);
  return { ...record, verified: true };
}
