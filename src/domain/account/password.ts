// Owns M4 (my-account-api.md `POST /api/my-account/password`): the signed-in user sets a new
// password, with or without a current one. Beyond Logto (the issue asks for it): the user's other
// sessions, grants and tokens are revoked in the transaction that writes the hash, the caller's own
// grant and session kept (repos/user-tokens.ts revokeOtherSessions), and an audit row
// Account.Password.Update is written.
// Throws LogtoError verification_record.permission_denied (401), account_center.filed_not_editable
// (400), password.rejected (422, data = the policy issues), user.same_password (422),
// user.password_hashing_busy (503).
import { hashPassword } from '../../crypto/passwords.ts';
import { revokeOtherSessions } from '../../storage/repos/user-tokens.ts';
import { updateUser } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';
import { assertPasswordAccepted } from '../sign-in-experience/password-check.ts';
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { mappingUserErrors } from '../users/errors.ts';
import { checkUserPassword } from '../users/password.ts';
import { assertEditable } from './account-center.ts';
import { recordAccountChange } from './audit.ts';
import type { AccountCaller } from './caller.ts';
import type { AccountDeps } from './deps.ts';
import { assertIdentityVerified } from './records.ts';

export async function changeMyPassword(deps: AccountDeps, caller: AccountCaller, password: string): Promise<void> {
  await assertIdentityVerified(deps, caller);
  assertEditable(caller, 'password');
  const { passwordPolicy } = await getSignInExperience(deps.db);
  const { user } = caller;
  assertPasswordAccepted(passwordPolicy, password, {
    username: user.username,
    primaryEmail: user.primary_email,
    primaryPhone: user.primary_phone,
    name: user.name,
  });
  if (await checkUserPassword(deps, user, password)) throw new LogtoError('user.same_password');
  const passwordHash = await mappingUserErrors(() => hashPassword(password, deps.passwords));
  await deps.db.tx(async (q) => {
    await updateUser(q, caller.userId, { password_hash: passwordHash }, deps.clock.now());
    await revokeOtherSessions(q, caller.userId, { grantId: caller.grantId, sessionUid: caller.sessionUid });
  });
  await recordAccountChange(deps, caller, 'Account.Password.Update');
}
