// Use cases E15–E18 (experience-api.md): WebAuthn registration (a new passkey for E22 to bind) and
// authentication (an MFA proof) for the identified user. Each is an audited attempt storing its
// record (verification.ts); a verify completes its record only while the stored record still
// holds the challenge it answered, so a challenge is used once even by parallel verifies.
// Throws session.identifier_not_found (404), session.verification_session_not_found (404: unknown
// id, another type, another user's record), session.interaction_not_found (404), and what
// verification/webauthn-ceremony.ts throws.
import { LogtoError } from '../errors.ts';
import {
  finishAuthentication,
  finishRegistration,
  startAuthentication,
  startRegistration,
} from '../verification/webauthn-ceremony.ts';
import type { AuthenticationPayload, RegistrationPayload } from '../verification/webauthn-payload.ts';
import type { RelyingParty } from '../verification/webauthn-rp.ts';
import type { WebAuthnRecord } from '../verification/webauthn.ts';
import type { ExperienceDeps } from './deps.ts';
import { recordById, type ExperienceState } from './state.ts';
import { identifiedUserRow, newRecordId, type InteractionContext } from './store.ts';
import { identifiedUserId, startFactor } from './mfa.ts';
import { attempt } from './verification.ts';

/** The identified user's WebAuthn record with this id. */
function ownRecord(state: ExperienceState, verificationId: string): WebAuthnRecord {
  const userId = identifiedUserId(state);
  const record = recordById(state, verificationId, 'WebAuthn');
  if (record.userId !== userId) throw new LogtoError('session.verification_session_not_found');
  return record;
}

/** A verify of `verificationId`: `finish` gets the record; the result is stored only while the
 *  record still holds the challenge `finish` answered. */
function verify(
  deps: ExperienceDeps,
  context: InteractionContext,
  verificationId: string,
  finish: (record: WebAuthnRecord) => Promise<WebAuthnRecord>,
) {
  let answered: string | null = null;
  const unchanged = (stored: WebAuthnRecord) => {
    if (stored.challenge === null || stored.challenge !== answered) throw new LogtoError('session.mfa.pending_info_not_found');
  };
  return attempt<WebAuthnRecord>(deps, context, { method: 'WebAuthn', action: 'Submit', completes: verificationId, unchanged, forUser: true }, (state) => {
    const record = ownRecord(state, verificationId);
    answered = record.challenge;
    return finish(record);
  });
}

/** E15. */
export async function createWebAuthnRegistration(deps: ExperienceDeps, context: InteractionContext, rp: RelyingParty) {
  return startFactor(deps, context, 'WebAuthn', async (userId) => {
    const started = await startRegistration(deps, rp, await identifiedUserRow(deps, context, userId), newRecordId());
    return { record: started.record, shown: { registrationOptions: started.options } };
  });
}

/** E16. */
export function verifyWebAuthnRegistration(
  deps: ExperienceDeps,
  context: InteractionContext,
  rp: RelyingParty,
  verificationId: string,
  payload: RegistrationPayload,
) {
  return verify(deps, context, verificationId, (record) => finishRegistration(deps, rp, record, payload, context.userAgent));
}

/** E17. */
export async function createWebAuthnAuthentication(deps: ExperienceDeps, context: InteractionContext, rp: RelyingParty) {
  return startFactor(deps, context, 'WebAuthn', async (userId) => {
    const started = await startAuthentication(deps, rp, userId, newRecordId());
    return { record: started.record, shown: { authenticationOptions: started.options } };
  });
}

/** E18: an MFA proof. */
export function verifyWebAuthnAuthentication(
  deps: ExperienceDeps,
  context: InteractionContext,
  rp: RelyingParty,
  verificationId: string,
  payload: AuthenticationPayload,
) {
  return verify(deps, context, verificationId, (record) => finishAuthentication(deps, rp, record, payload));
}
