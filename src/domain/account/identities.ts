// Owns M9–M10 (my-account-api.md): the signed-in user links or unlinks a social identity.
// M9 links the provider account of a verified Social record (A4/A5; not consumed) under the target
// of the connector it came from: another user linked to that account → 422
// user.identity_already_in_use (also when one links it concurrently: the unique index on provider
// accounts decides, users/errors.ts), this user already linked to any account of that target → 400
// user.identity_already_in_use (the write only sets an absent target, so two concurrent links of
// one target cannot both land). Audit row Account.Identity.Create.
// M10 removes the identity in SQL (`identities - target`, repos/my-account.ts), so concurrent
// removals of different targets both land. Audit row Account.Identity.Delete.
// Throws LogtoError verification_record.permission_denied (401), account_center.filed_not_editable
// (400), auth.unauthorized (400), verification_record.not_found (400, M9), session.invalid_connector_id
// (422, M9: the record's connector is gone), user.identity_already_in_use (422 / 400, M9),
// user.identity_not_exist (404, M10).
import { findUserBySocialIdentity } from '../../storage/repos/identities.ts';
import { addIdentity, removeIdentity } from '../../storage/repos/my-account.ts';
import { LogtoError } from '../errors.ts';
import { userWriteError } from '../users/errors.ts';
import { identityOf, isVerifiedSocial, verifyingConnector } from '../verification/social.ts';
import { assertEditable } from './account-center.ts';
import { recordAccountChange } from './audit.ts';
import { assertScope, type AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';
import { assertIdentityVerified, findAccountRecord } from './records.ts';

async function assertMayChangeIdentities(deps: AccountDeps, caller: AccountCaller): Promise<void> {
  await assertIdentityVerified(deps, caller);
  assertEditable(caller, 'social');
  assertScope(caller, 'identities');
}

/** M9: link the social identity of the caller's verified Social record `recordId`. */
export async function linkMyIdentity(deps: AccountDeps, caller: AccountCaller, recordId: string): Promise<void> {
  await assertMayChangeIdentities(deps, caller);
  const record = (await findAccountRecord(deps, caller, recordId))?.record;
  if (record?.type !== 'Social' || !isVerifiedSocial(record)) throw new LogtoError('verification_record.not_found');
  const { target } = await verifyingConnector(deps.social, record.connectorId);
  const { identity } = identityOf({ target, userInfo: record.userInfo });
  const owner = await findUserBySocialIdentity(deps.db, target, identity.userId);
  if (owner && owner.id !== caller.userId) throw new LogtoError('user.identity_already_in_use');
  const sameUser = () => new LogtoError('user.identity_already_in_use', undefined, 400);
  if (caller.user.identities[target]) throw sameUser();
  let linked: boolean;
  try {
    linked = await addIdentity(deps.db, caller.userId, target, identity, deps.clock.now());
  } catch (error) {
    throw userWriteError(error);
  }
  if (!linked) throw sameUser();
  await recordAccountChange(deps, caller, 'Account.Identity.Create', { type: 'social', value: target });
}

/** M10: unlink the identity of connector `target`. */
export async function unlinkMyIdentity(deps: AccountDeps, caller: AccountCaller, target: string): Promise<void> {
  await assertMayChangeIdentities(deps, caller);
  if (!(await removeIdentity(deps.db, caller.userId, target, deps.clock.now()))) throw new LogtoError('user.identity_not_exist');
  await recordAccountChange(deps, caller, 'Account.Identity.Delete', { type: 'social', value: target });
}
