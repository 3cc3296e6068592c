// Owns M5–M8 (my-account-api.md): the signed-in user replaces or removes its primary email or phone.
// Both kinds follow one path, told apart by the table below: identity proof (the header), the
// Account Center field, the scope, then for a new value a verified record of exactly that value
// (records.ts newIdentifierRecord) and the unique index deciding a collision; for a removal, the
// sign-up identifiers rule, whose "the other one is still set" half is checked by the UPDATE itself
// so that two concurrent removals cannot leave the user with neither. After the write: an audit row
// (Account.PrimaryEmail.Update / .Delete, Account.PrimaryPhone.Update / .Delete) and a change notice
// by email (notify.ts) to the replaced email address, or for a phone to the primary email.
// Throws LogtoError verification_record.permission_denied (401), account_center.filed_not_editable
// (400), auth.unauthorized (400), verification_record.not_found (400), user.email_already_in_use /
// user.phone_already_in_use (422), user.email_required / user.phone_required /
// user.email_or_phone_required (400).
import { replaceIdentifier, type IdentifierColumn } from '../../storage/repos/my-account.ts';
import { LogtoError, type LogtoErrorCode } from '../errors.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { mappingUserErrors } from '../users/errors.ts';
import { assertEditable } from './account-center.ts';
import { recordAccountChange } from './audit.ts';
import { assertScope, type AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';
import { notifyAccountChange } from './notify.ts';
import { assertIdentityVerified, newIdentifierRecord } from './records.ts';

export type IdentifierKind = 'email' | 'phone';

interface KindRules {
  column: IdentifierColumn;
  recordType: 'EmailVerificationCode' | 'PhoneVerificationCode';
  other: IdentifierKind;
  required: LogtoErrorCode;
  audit: `Account.${string}`;
  what: string;
  /** Whether two values name the same address (emails ignore case). */
  same: (a: string, b: string) => boolean;
}

const KINDS: Record<IdentifierKind, KindRules> = {
  email: {
    column: 'primary_email',
    recordType: 'EmailVerificationCode',
    other: 'phone',
    required: 'user.email_required',
    audit: 'Account.PrimaryEmail',
    what: 'email address',
    same: (a, b) => a.toLowerCase() === b.toLowerCase(),
  },
  phone: {
    column: 'primary_phone',
    recordType: 'PhoneVerificationCode',
    other: 'email',
    required: 'user.phone_required',
    audit: 'Account.PrimaryPhone',
    what: 'phone number',
    same: (a, b) => a === b,
  },
};

/** The checks every M5–M8 route makes first, in the spec's order: proof, field, scope. */
async function assertMayChange(deps: AccountDeps, caller: AccountCaller, kind: IdentifierKind): Promise<void> {
  await assertIdentityVerified(deps, caller);
  assertEditable(caller, kind);
  assertScope(caller, kind);
}

/** M5 / M7: `value` becomes the primary email / phone, proven by the verified record `recordId`. */
export async function setPrimaryIdentifier(deps: AccountDeps, caller: AccountCaller, kind: IdentifierKind, value: string, recordId: string): Promise<void> {
  const rules = KINDS[kind];
  await assertMayChange(deps, caller, kind);
  await newIdentifierRecord(deps, caller, recordId, rules.recordType, value);
  const change = await mappingUserErrors(() => replaceIdentifier(deps.db, caller.userId, rules.column, value, deps.clock.now()));
  if (!change) throw new LogtoError('auth.unauthorized');
  await recordAccountChange(deps, caller, `${rules.audit}.Update`, { type: kind, value });
  if (change.before !== null && !rules.same(change.before, value)) {
    await notifyAccountChange(deps, kind === 'email' ? change.before : change.email, { what: rules.what, to: value });
  }
}

/** M6 / M8: the primary email / phone is removed, unless sign-up needs it. 204 also when already null. */
export async function removePrimaryIdentifier(deps: AccountDeps, caller: AccountCaller, kind: IdentifierKind): Promise<void> {
  const rules = KINDS[kind];
  await assertMayChange(deps, caller, kind);
  const { identifiers } = (await getSignInExperience(deps.db)).signUp;
  const needed = identifiers.includes(kind);
  if (needed && !identifiers.includes(rules.other)) throw new LogtoError(rules.required);
  const change = await replaceIdentifier(deps.db, caller.userId, rules.column, null, deps.clock.now(), needed);
  if (!change) throw new LogtoError('user.email_or_phone_required');
  await recordAccountChange(deps, caller, `${rules.audit}.Delete`);
  if (change.before !== null) {
    await notifyAccountChange(deps, kind === 'email' ? change.before : change.email, { what: rules.what, to: null });
  }
}
