// Use cases of the Account API's verification records (account-verifications-api.md A1–A5): each
// proves something about the signed-in user and stores it as a record of the caller
// (records.ts), alive 10 minutes and reusable until then.
//   - A1 the user's password: a bound, verified Password record. Under the user's lockout
//     (lockout.ts), shared with the Experience API.
//   - A2 a code to an email or phone, through the code engine and the stored connectors as the
//     Experience API's E7 sends it (owner scope `account:<recordId>`). The user's own current
//     address gets template UserPermissionValidation and a bound record; any other address
//     BindNewIdentifier and an unbound one.
//   - A3 that code: the record verified. Wrong codes count under the identifier's lockout, as E8's.
//   - A4 a social connector's authorization: an unbound Social record keeping the connector session
//     (verification/social.ts), never an identity proof; A5 that record verified with the provider's
//     callback (the session used once), for M9 to link.
// Each writes one audit row per attempt (audit.ts).
// Throws LogtoError session.invalid_credentials (422), session.verification_blocked_too_many_attempts
// (400), user.password_hashing_busy (503), connector.* (sendCode: 501 not_found, 429, 400),
// verification_record.not_found (400), verification_code.* (400), session.insufficient_info (400),
// session.invalid_connector_id (422), connector.unexpected_type (400),
// session.connector_validation_session_not_found (400), connector.* (the provider's refusals).
import { LogtoError } from '../errors.ts';
import { underLockout } from '../experience/verification.ts';
import { authorizingConnector, startSocialRecord, verifyingConnector, verifySocialRecord } from '../verification/social.ts';
import { checkUserPassword } from '../users/password.ts';
import { normalizeIdentifier, type Identifier } from '../verification/types.ts';
import { recordTypeOf, sendIdentifierCode, verifyIdentifierCode } from '../verification/verification-code.ts';
import type { AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';
import { underUserLockout } from './lockout.ts';
import {
  completeAccountRecord,
  createAccountRecord,
  findAccountRecord,
  newAccountRecordId,
  type AccountCodeRecord,
  type CreatedRecord,
} from './records.ts';
import { auditedAttempt } from './audit.ts';

export type CodeIdentifier = Identifier & { type: 'email' | 'phone' };

/** The code engine's owner scope of a record's code: the code belongs to that record alone. */
const accountCodeScope = (recordId: string) => `account:${recordId}`;

/** A1: a bound, verified Password record when `password` is the caller's. */
export function verifyAccountPassword(deps: AccountDeps, caller: AccountCaller, password: string): Promise<CreatedRecord> {
  return auditedAttempt(deps, caller, { method: 'Password', action: 'Submit' }, async () => {
    await underUserLockout(deps, caller.user, async () => {
      // Equal time whether or not the user has a password (users/password.ts).
      if (!(await checkUserPassword(deps, caller.user, password))) throw new LogtoError('session.invalid_credentials');
    });
    const record = { id: newAccountRecordId(), type: 'Password', identifier: { type: 'userId', value: caller.userId }, verified: true } as const;
    return createAccountRecord(deps, caller, record, true);
  });
}

/** Whether the (normalised) identifier is the caller's current primary email or phone. */
function isOwnIdentifier(caller: AccountCaller, identifier: CodeIdentifier): boolean {
  const current = identifier.type === 'email' ? caller.user.primary_email : caller.user.primary_phone;
  if (!current) return false;
  const own = normalizeIdentifier({ type: identifier.type, value: current }).value;
  return identifier.type === 'email' ? own.toLowerCase() === identifier.value.toLowerCase() : own === identifier.value;
}

/** A2: sends a code to the identifier and stores its record (bound when the address is the caller's own). */
export function sendAccountCode(deps: AccountDeps, caller: AccountCaller, rawIdentifier: CodeIdentifier): Promise<CreatedRecord> {
  return auditedAttempt(deps, caller, { method: recordTypeOf(rawIdentifier.type), action: 'Create', identifier: rawIdentifier }, async () => {
    const identifier = normalizeIdentifier(rawIdentifier) as CodeIdentifier;
    const own = isOwnIdentifier(caller, identifier);
    const id = newAccountRecordId();
    const record = await sendIdentifierCode<AccountCodeRecord>(
      deps,
      { scope: accountCodeScope(id), ip: caller.ip },
      id,
      identifier,
      own ? 'UserPermissionValidation' : 'BindNewIdentifier',
    );
    return createAccountRecord(deps, caller, record, own);
  });
}

/**
 * A3: the caller's live code record `recordId` of the identifier's type, verified with `code`. A
 * record already verified answers what the engine answers for a used code, and stays verified.
 */
export function verifyAccountCode(
  deps: AccountDeps,
  caller: AccountCaller,
  identifier: CodeIdentifier,
  recordId: string,
  code: string,
): Promise<{ verificationRecordId: string }> {
  const method = recordTypeOf(identifier.type);
  return auditedAttempt(deps, caller, { method, action: 'Submit', identifier }, async () => {
    const record = (await findAccountRecord(deps, caller, recordId))?.record;
    if (!record || record.type === 'Password' || record.type !== method) throw new LogtoError('verification_record.not_found');
    const scope = accountCodeScope(record.id);
    const verified = await underLockout(deps, identifier, (guard) => verifyIdentifierCode(deps, scope, record, identifier, code, guard), true);
    await completeAccountRecord(deps, caller, record, verified);
    return { verificationRecordId: record.id };
  });
}

/** A4: an unbound Social record holding the connector session, and the provider's authorization URI. */
export function startSocialVerification(
  deps: AccountDeps,
  caller: AccountCaller,
  input: { connectorId: string; state: string; redirectUri: string },
): Promise<CreatedRecord & { authorizationUri: string }> {
  const unknown = () => new LogtoError('session.invalid_connector_id', { connectorId: input.connectorId });
  return auditedAttempt(deps, caller, { method: 'Social', action: 'Create' }, async () => {
    const connector = () => authorizingConnector(deps.social, input.connectorId, unknown);
    const { record, authorizationUri } = await startSocialRecord(deps.keyring, connector, newAccountRecordId(), input);
    return { ...(await createAccountRecord(deps, caller, record, false)), authorizationUri };
  });
}

/**
 * A5: the caller's live Social record, verified with the provider's callback. The record's session
 * is used once: the compare-and-set that stores the verified record refuses a second callback that
 * raced this one (verification_record.not_found), and a later one finds no session.
 */
export function verifySocialVerification(
  deps: AccountDeps,
  caller: AccountCaller,
  input: { verificationRecordId: string; connectorData: Record<string, unknown> },
): Promise<{ verificationRecordId: string }> {
  return auditedAttempt(deps, caller, { method: 'Social', action: 'Submit' }, async () => {
    const record = (await findAccountRecord(deps, caller, input.verificationRecordId))?.record;
    if (record?.type !== 'Social') throw new LogtoError('verification_record.not_found');
    const connector = await verifyingConnector(deps.social, record.connectorId);
    const verified = await verifySocialRecord(deps.keyring, connector, record, input.connectorData);
    await completeAccountRecord(deps, caller, record, verified);
    return { verificationRecordId: record.id };
  });
}
