// Verification methods EmailVerificationCode and PhoneVerificationCode (E7 send, E8 verify): a code
// from the platform's code engine, bound to this interaction (owner scope `experience:<uid>`) and
// to the identifier it was sent to; the interaction event chooses the message template.
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
const ownerOf = (uid: string) => ({ scope: `experience:${uid}`, applicationId: null });
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

export async function sendIdentifierCode(
  deps: SendCodeDeps,
  context: { uid: string; ip: string | null },
  id: string,
  rawIdentifier: Identifier & { type: 'email' | 'phone' },
  templateType: InteractionEvent,
): Promise<CodeRecord> {
  const identifier = normalizeIdentifier(rawIdentifier) as Identifier & { type: 'email' | 'phone' };
  const channel = identifier.type === 'email' ? 'email' : 'sms';
  const to = identifier.type === 'email' ? identifier.value : `+${identifier.value}`;
  const code = await sendCode(deps, {
    owner: ownerOf(context.uid),
    channel,
    recipient: recipientOf(identifier),
    to,
    usageType: templateType,
    ip: context.ip,
    ttlSeconds: TTL_SECONDS,
    maxAttempts: MAX_TRIES,
  });
  return { id, type: recordTypeOf(identifier.type), identifier, codeId: code.id, templateType, verified: false } as CodeRecord;
}

/** The caller's lockout guard (experience/lockout.ts LockoutGuard): the code check reads the row
 *  with counting the attempt and has it judged first. */
type LockoutRead = { read(): Promise<void> } & CheckGuard;

/** The record, verified; the identifier must be the one the code was sent to. */
export async function verifyIdentifierCode(
  deps: SendCodeDeps,
  context: { uid: string },
  record: CodeRecord,
  rawIdentifier: Identifier,
  code: string,
  lockout?: LockoutRead,
): Promise<CodeRecord> {
  const identifier = normalizeIdentifier(rawIdentifier);
  if (recipientOf(identifier) !== recipientOf(record.identifier)) {
    await lockout?.read(); // a block is answered first, as when it was read before anything else
    throw new LogtoError(identifier.type === 'email' ? 'verification_code.email_mismatch' : 'verification_code.phone_mismatch');
  }
  await checkSentCode(deps, record.codeId, ownerOf(context.uid), identifier.type === 'email' ? 'email' : 'sms', code, lockout);
  return { ...record, verified: true };
}
