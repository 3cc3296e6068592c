// Owns M9–M10 (my-account-api.md): the signed-in user links or unlinks a social identity.
// M9 needs a verified Social record (A4/A5), and Social records arrive with the social-connector
// work: today no record can be Social (records.ts knows Password and the two code types), so every
// id answers 400 verification_record.not_found once proof, field and scope passed. The collision
// rules of the spec (another user has this social id → 422 user.identity_already_in_use; this user
// already has an identity for the target → 400 user.identity_already_in_use) belong after the record
// check and come with it, when they can be tested.
// M10 removes the identity in SQL (`identities - target`, repos/my-account.ts), so concurrent
// removals of different targets both land. Audit row Account.Identity.Delete.
// Throws LogtoError verification_record.permission_denied (401), account_center.filed_not_editable
// (400), auth.unauthorized (400), verification_record.not_found (400, M9), user.identity_not_exist
// (404, M10).
import { removeIdentity } from '../../storage/repos/my-account.ts';
import { LogtoError } from '../errors.ts';
import { assertEditable } from './account-center.ts';
import { recordAccountChange } from './audit.ts';
import { assertScope, type AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';
import { assertIdentityVerified } from './records.ts';

async function assertMayChangeIdentities(deps: AccountDeps, caller: AccountCaller): Promise<void> {
  await assertIdentityVerified(deps, caller);
  assertEditable(caller, 'social');
  assertScope(caller, 'identities');
}

/** M9: link the social identity of a verified Social record (none can exist yet: header comment). */
export async function linkMyIdentity(deps: AccountDeps, caller: AccountCaller, _recordId: string): Promise<never> {
  await assertMayChangeIdentities(deps, caller);
  throw new LogtoError('verification_record.not_found');
}

/** M10: unlink the identity of connector `target`. */
export async function unlinkMyIdentity(deps: AccountDeps, caller: AccountCaller, target: string): Promise<void> {
  await assertMayChangeIdentities(deps, caller);
  if (!(await removeIdentity(deps.db, caller.userId, target, deps.clock.now()))) throw new LogtoError('user.identity_not_exist');
  await recordAccountChange(deps, caller, 'Account.Identity.Delete', { type: 'social', value: target });
}
