// Owns E3 with an EnterpriseSso record (experience-api.md E3, record use matrix; Logto's enterprise
// SSO identification). SignIn: the user of the identity (issuer + the IdP's subject); else the user
// whose email the IdP verified, to whom the identity is then linked (auto-link: the spec's rule for
// enterprise SSO, whose IdP speaks for the company's domain); else 404 user.identity_not_exist, and
// the client registers instead (E2 Register, then E3: the user is created just in time from the
// IdP's user, as Logto's sign-in page does). Each sign-in refreshes the identity's detail, and stages
// name/avatar when the connector's syncProfile is on. The identity row's unique index decides races:
// an identity linked meanwhile to another user → 422 user.identity_already_in_use. Everything is
// written in the transaction that identifies the user, with the link audited.
// Throws LogtoError user.sign_in_method_not_enabled (422: single sign-on off),
// session.verification_failed (400), connector.not_found (404), user.identity_not_exist (404),
// user.suspended (401), session.identity_conflict (409), user.identity_already_in_use (422).
import type { Queryable } from '../../storage/db.ts';
import { findUserBySsoIdentity, identityViolationOf, insertSsoIdentity, updateSsoIdentityDetail } from '../../storage/repos/identities.ts';
import { findUserByIdentifier } from '../../storage/repos/users.ts';
import { recordAudit } from '../audit/index.ts';
import { LogtoError } from '../errors.ts';
import type { EffectiveSignInExperience } from '../sign-in-experience/index.ts';
import { usableSsoConnector } from '../sso/connector.ts';
import type { VerificationRecord } from '../verification/index.ts';
import type { EnterpriseSsoRecord } from '../verification/enterprise-sso.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById, withRecord, type Profile } from './state.ts';
import { changeExperience, newRecordId, type InteractionContext } from './store.ts';

type VerifiedSso = EnterpriseSsoRecord & Required<Pick<EnterpriseSsoRecord, 'issuer' | 'userInfo'>>;

export const isSsoRecord = (record: VerificationRecord | undefined): record is EnterpriseSsoRecord => record?.type === 'EnterpriseSso';

function verifiedSso(record: EnterpriseSsoRecord): VerifiedSso {
  if (!record.verified || !record.issuer || !record.userInfo) throw new LogtoError('session.verification_failed');
  return record as VerifiedSso;
}

/** Name and avatar from the IdP, for a profile (only what the IdP gave). */
const profileOf = (record: VerifiedSso): Profile => ({
  ...(record.userInfo.name ? { name: record.userInfo.name } : {}),
  ...(record.userInfo.avatar ? { avatar: record.userInfo.avatar } : {}),
});

/** Links the identity to `userId`. Throws user.identity_already_in_use when another user has it. */
async function linkIdentity(deps: ExperienceDeps, q: Queryable, record: VerifiedSso, userId: string): Promise<void> {
  try {
    await insertSsoIdentity(q, {
      id: newRecordId(),
      user_id: userId,
      sso_connector_id: record.connectorId,
      issuer: record.issuer,
      identity_id: record.userInfo.id,
      detail: record.userInfo,
      created_at: deps.clock.now(),
    });
  } catch (error) {
    if (identityViolationOf(error) === 'sso') throw new LogtoError('user.identity_already_in_use');
    throw error;
  }
}

/** E3 SignIn with an EnterpriseSso record, after the sign-in mode check. */
export async function signInWithSso(
  deps: ExperienceDeps,
  context: InteractionContext,
  sie: EffectiveSignInExperience,
  record: EnterpriseSsoRecord,
): Promise<{ created: boolean; userId: string }> {
  if (!sie.singleSignOnEnabled) throw new LogtoError('user.sign_in_method_not_enabled');
  const sso = verifiedSso(record);
  const connector = await usableSsoConnector(deps, sso.connectorId);
  const identify = () => changeExperience(deps, context, async (state, q) => {
    const current = verifiedSso(recordById(state, sso.id, 'EnterpriseSso'));
    const known = await findUserBySsoIdentity(q, current.issuer, current.userInfo.id);
    const email = current.userInfo.email;
    // The IdP speaks for its company's domains only: an email of another domain links nobody.
    const linkable = email !== undefined && connector.domains.includes(email.slice(email.lastIndexOf('@') + 1).toLowerCase());
    const user = known?.user ?? (linkable ? await findUserByIdentifier(q, { type: 'email', value: email }) : null);
    if (!user) throw new LogtoError('user.identity_not_exist');
    if (user.is_suspended) throw new LogtoError('user.suspended');
    if (state.userId && state.userId !== user.id) throw new LogtoError('session.identity_conflict');
    if (known) await updateSsoIdentityDetail(q, known.identity.id, current.userInfo);
    else await linkIdentity(deps, q, current, user.id);
    const profile = connector.syncProfile ? { ...state.profile, ...profileOf(current) } : state.profile;
    const next = { ...withRecord(state, { ...current, userId: user.id }), userId: user.id, profile };
    return { state: next, result: { userId: user.id, linked: !known } };
  });
  // Two first sign-ins of one identity at once: the loser's link fails on the unique index; once
  // more, it finds the identity linked (to the same user: the one with that email) and signs in.
  const { userId, linked } = await identify().catch((error: unknown) => {
    if (error instanceof LogtoError && error.code === 'user.identity_already_in_use') return identify();
    throw error;
  });
  if (linked)
    await recordAudit(deps, {
      key: 'Interaction.SignIn.Identifier.EnterpriseSso.Link',
      result: 'Success',
      userId,
      applicationId: context.applicationId,
      interactionId: context.uid,
      method: 'EnterpriseSso',
      identifier: { type: 'email', value: sso.userInfo.email ?? '' },
      ip: context.ip,
      userAgent: context.userAgent,
    });
  return { created: false, userId };
}

/**
 * E3 Register with an EnterpriseSso record (just-in-time creation): the new user's extra fields
 * (name, avatar), no mandatory-profile check, the identity linked to it in the creating transaction,
 * and the record as bound to it (so the interaction counts the SSO sign-in for that user).
 */
export function ssoRegistration(deps: ExperienceDeps, record: EnterpriseSsoRecord) {
  const sso = verifiedSso(record);
  return {
    fields: profileOf(sso),
    link: (q: Queryable, userId: string) => linkIdentity(deps, q, sso, userId),
    boundTo: (userId: string): EnterpriseSsoRecord => ({ ...sso, userId }),
  };
}
