// Use case E3 (POST /api/experience/identification). SignIn and ForgotPassword identify the user a
// verified record proves; Register creates the user from the staged profile and an optional record,
// in one transaction with binding the interaction to it and consuming the record.
// Throws LogtoError guard.invalid_input, session.verification_session_not_found (404),
// auth.forbidden (403), user.sign_in_method_not_enabled (422),
// session.not_supported_for_forgot_password (422), session.verification_failed (400),
// user.user_not_exist (404), user.suspended (401), session.identity_conflict (409),
// user.missing_profile (422), user.*_already_in_use (422), session.interaction_not_found (404),
// session.sso_enabled (422); with an EnterpriseSso record, what sso-identify.ts throws; a Social
// record's SignIn (user.identity_not_exist, linkSocialIdentity) is social-identify.ts's.
import * as users from '../../storage/repos/users.ts';
import type { Queryable } from '../../storage/db.ts';
import { LogtoError } from '../errors.ts';
import { getSignInExperience, type EffectiveSignInExperience } from '../sign-in-experience/index.ts';
import { userWriteError } from '../users/errors.ts';
import { newUserId } from '../users/view.ts';
import { methodOf, type VerificationRecord } from '../verification/index.ts';
import type { AuthenticatedUser, Authentication, NewUserFields } from '../verification/types.ts';
import { audited, type Carry } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { eventAllowed } from './interaction.ts';
import { missingProfile } from './profile-rules.ts';
import { signInWithSso, isSsoRecord, ssoRegistration } from './sso-identify.ts';
import { assertNotSsoOnly, emailOf } from './sso-only.ts';
import { identifyBySocial, newUserIdentities, socialAuditIdentifier } from './social-identify.ts';
import { recordById, withoutRecord, type ExperienceState } from './state.ts';
import { changeExperience, loadSnapshot, takeReadUser, updateExperience, type InteractionContext, type Snapshot } from './store.ts';

export async function identifyUser(
  deps: ExperienceDeps,
  context: InteractionContext,
  verificationId: string | undefined,
  linkSocialIdentity = false,
): Promise<{ created: boolean }> {
  const snapshot = await loadSnapshot(deps, context);
  const { state } = snapshot;
  const sie = await getSignInExperience(deps.db);
  const event = state.interactionEvent;
  const key = `Interaction.${event}.Identifier.Submit` as const;
  const record = verificationId === undefined ? undefined : state.verificationRecords.find((r) => r.id === verificationId);
  const identifier = record && ('identifier' in record ? record.identifier : record.type === 'Social' ? socialAuditIdentifier(record) : undefined);
  const attempt = { key, ...(record ? { method: record.type } : {}), ...(identifier ? { identifier } : {}) };
  return audited(
    deps,
    context,
    attempt,
    (carry) =>
      event === 'Register'
        ? register(deps, context, sie, state, verificationId)
        : identifyExisting(deps, context, sie, snapshot, verificationId, carry, linkSocialIdentity),
    (r) => r.userId,
  ).then(({ created }) => ({ created }));
}

async function identifyExisting(
  deps: ExperienceDeps,
  context: InteractionContext,
  sie: EffectiveSignInExperience,
  snapshot: Snapshot,
  verificationId: string | undefined,
  carry: Carry,
  linkSocialIdentity: boolean,
): Promise<{ created: boolean; userId: string }> {
  const { state } = snapshot;
  if (verificationId === undefined) throw new LogtoError('guard.invalid_input', { verificationId: 'required' });
  const record = recordById(state, verificationId);
  const forgot = state.interactionEvent === 'ForgotPassword';
  if (!forgot && !eventAllowed(sie.signInMode, 'SignIn')) throw new LogtoError('auth.forbidden');
  if (!forgot && isSsoRecord(record)) return signInWithSso(deps, context, sie, record);
  if (record.type === 'Social') {
    if (!forgot) await assertNotSsoOnly(deps, sie, emailOf(record));
    return identifyBySocial(deps, context, snapshot, record, linkSocialIdentity, carry);
  }
  const identification = methodOf(record).identification;
  if (forgot && !identification?.forgotPassword) throw new LogtoError('session.not_supported_for_forgot_password', undefined, 422);
  if (!identification) throw new LogtoError('user.sign_in_method_not_enabled');
  if (!forgot) {
    const { identifier, method } = identification.signInMethod(record);
    const setting = sie.signIn.methods.find((m) => m.identifier === identifier);
    if (!setting?.[method]) throw new LogtoError('user.sign_in_method_not_enabled');
    await assertNotSsoOnly(deps, sie, emailOf(record));
  }
  if (!record.verified) throw new LogtoError('session.verification_failed');
  // The user the record names came with the request's first read; else it is read now.
  const named = identification.named(record);
  const read = named === undefined ? undefined : takeReadUser(context, named);
  const user = read !== undefined ? read : await identification.findUser(deps.db, record);
  if (!user) throw new LogtoError('user.user_not_exist', { identifier: identification.identifier(record).value });
  if (user.is_suspended) throw new LogtoError('user.suspended');
  // The success row rides on the change that identifies the user.
  const change = (current: ExperienceState) => {
    if (current.userId && current.userId !== user.id) throw new LogtoError('session.identity_conflict');
    return { ...current, userId: user.id };
  };
  await updateExperience(deps, context, snapshot, change, carry(user.id));
  return { created: false, userId: user.id };
}

async function register(
  deps: ExperienceDeps,
  context: InteractionContext,
  sie: EffectiveSignInExperience,
  snapshot: ExperienceState,
  verificationId: string | undefined,
): Promise<{ created: boolean; userId: string }> {
  if (!eventAllowed(sie.signInMode, 'Register')) throw new LogtoError('auth.forbidden');
  if (verificationId !== undefined) await assertNotSsoOnly(deps, sie, emailOf(recordById(snapshot, verificationId)));
  return changeExperience(deps, context, async (state, q) => {
    // The record first, as on the snapshot: a call that lost the race to the one consuming the
    // record answers 404, exactly as any later call with that id does.
    const record = verificationId === undefined ? undefined : recordById(state, verificationId);
    if (state.userId) throw new LogtoError('session.identity_conflict');
    // With single sign-on off an SSO record registers nobody (a record of a type not allowed).
    if (isSsoRecord(record) && !sie.singleSignOnEnabled) throw new LogtoError('session.verification_failed');
    const sso = isSsoRecord(record) ? ssoRegistration(deps, record) : undefined;
    const fields = { ...sso?.fields, ...state.profile, ...(await contributionOf(record, q)) };
    // An SSO identity skips the mandatory sign-up fields (the IdP's user is the profile).
    const missing = sso ? [] : missingProfile(sie.signUp, { ...fields, hasPassword: Boolean(fields.passwordHash) });
    if (missing.length) throw new LogtoError('user.missing_profile', { missingProfile: missing });
    const userId = await insertNewUser(deps, q, fields);
    await sso?.link(q, userId);
    const next = record ? withoutRecord(state, record.id) : state;
    const registeredWith = registrationAuthentications(sso ? sso.boundTo(userId) : record, {
      id: userId,
      username: fields.username ?? null,
      ...fields,
      identities: newUserIdentities(fields),
    });
    return { state: { ...next, userId, profile: {}, ...(registeredWith.length ? { registeredWith } : {}) }, result: { created: true, userId } };
  });
}

/** How what created the user authenticated it (amr.ts): the record it consumed, and a password it
 *  chose in the staged profile. */
function registrationAuthentications(
  record: VerificationRecord | undefined,
  user: { id: string; username: string | null; primaryEmail?: string; primaryPhone?: string; passwordHash?: string; identities?: AuthenticatedUser['identities'] },
): Authentication[] {
  const fromRecord = record ? methodOf(record).authentication?.(record, { ...user, primary_email: user.primaryEmail ?? null, primary_phone: user.primaryPhone ?? null }) : undefined;
  const password = user.passwordHash && fromRecord?.factor !== 'password' ? [{ amr: ['pwd'], factor: 'password' }] : [];
  return [...(fromRecord ? [fromRecord] : []), ...password];
}

/** What a verified record gives the new user; an unverified or unsuitable one is refused. */
async function contributionOf(record: VerificationRecord | undefined, q: Queryable) {
  if (!record) return {};
  const registration = methodOf(record).registration;
  if (!registration || !record.verified) throw new LogtoError('session.verification_failed');
  return registration(record, q);
}

async function insertNewUser(
  deps: ExperienceDeps,
  q: Queryable,
  fields: NewUserFields,
): Promise<string> {
  try {
    const row = await users.insertUser(
      q,
      newUserId(),
      {
        username: fields.username,
        primary_email: fields.primaryEmail,
        primary_phone: fields.primaryPhone,
        password_hash: fields.passwordHash,
        name: fields.name,
        avatar: fields.avatar,
        identities: newUserIdentities(fields),
        application_id: null,
      },
      deps.clock.now(),
    );
    return row.id;
  } catch (error) {
    throw userWriteError(error);
  }
}
