// Use cases E13 (POST /api/experience/verification/totp/secret: a new secret for the identified user
// to add to an authenticator app) and E14 (POST …/totp/verify: a code checked against that new
// secret, or against the TOTP the user has bound). Both need an identified user; each is one
// audited attempt (Interaction.<event>.Verification.Totp.Create / .Submit) that stores a Totp
// record. A refused code counts towards the lockout the user's identifier shares with password and
// code checks, and towards one of the user's own (mfa.ts underMfaLockout). Neither a code nor a
// secret reaches an audit row or a log.
// Throws LogtoError session.interaction_not_found (404), session.identifier_not_found (404),
// session.verification_session_not_found (404), session.mfa.invalid_totp_code (400),
// session.verification_blocked_too_many_attempts (400).
import { otpauthUri, qrCodeDataUrl } from '../../crypto/totp.ts';
import { LogtoError } from '../errors.ts';
import { totpStepGate } from '../../storage/repos/mfa-factors.ts';
import { authenticatorAccountOf, boundTotp, createTotpSecretRecord, matchBoundTotp, totpProof, verifyNewTotpSecret } from '../verification/totp.ts';
import type { ExperienceDeps } from './deps.ts';
import { identifiedUserId, startFactor } from './mfa.ts';
import { mfaFailure, mfaLockoutKeys, mfaSuccess, underMfaLockout } from './mfa-lockout.ts';
import { recordById } from './state.ts';
import { identifiedUserRow, newRecordId, readFactors, type InteractionContext } from './store.ts';
import { attempt, type AttemptGate } from './verification.ts';


/** The issuer an authenticator app shows: this server's host, as its public URL names it (not the
 *  request's Host header, which the client chooses). */
const issuerOf = (deps: ExperienceDeps): string => new URL(deps.provider.issuer).host;

export async function createTotpSecret(
  deps: ExperienceDeps,
  context: InteractionContext,
): Promise<{ verificationId: string; secret: string; secretQrCode: string }> {
  return startFactor(deps, context, 'Totp', async (userId) => {
    const user = await identifiedUserRow(deps, context, userId);
    const { record, secret } = createTotpSecretRecord(deps, newRecordId(), userId);
    return { record, shown: { secret, secretQrCode: await qrCodeDataUrl(otpauthUri(secret, issuerOf(deps), authenticatorAccountOf(user))) } };
  });
}

/**
 * With `verificationId`: the E13 record of this user, its secret checked → verified (bindable by
 * E22). Without: a new record proving the user's bound TOTP; its step is taken by the statement
 * that stores the record, behind the lockout (totpStepGate), so the check of a right code is that
 * one statement after the request's first read.
 */
export function verifyTotp(deps: ExperienceDeps, context: InteractionContext, code: string, verificationId?: string): Promise<{ verificationId: string }> {
  let gate: AttemptGate | undefined;
  return attempt(deps, context, { method: 'Totp', action: 'Submit', completes: verificationId, forUser: true, gate: () => gate }, async (state) => {
    const userId = identifiedUserId(state);
    if (verificationId !== undefined) {
      const pending = recordById(state, verificationId, 'Totp');
      if (pending.userId !== userId) throw new LogtoError('session.verification_session_not_found');
      return underMfaLockout(deps, state, userId, async () => verifyNewTotpSecret(deps, pending, code));
    }
    const factor = await boundTotp(deps, userId, readFactors(context, userId));
    const step = factor ? matchBoundTotp(deps, factor, code) : null;
    if (!factor || step === null) return mfaFailure(deps, state, userId, 'session.mfa.invalid_totp_code');
    gate = {
      sql: totpStepGate(factor.id, step, deps.clock.now(), mfaLockoutKeys(deps, state, userId)),
      async judge(row) {
        if (row.ok) return row.failures ? mfaSuccess(deps, state, userId) : undefined;
        if (row.blocked) throw new LogtoError('session.verification_blocked_too_many_attempts');
        await mfaFailure(deps, state, userId, 'session.mfa.invalid_totp_code'); // the step was used already
      },
    };
    return totpProof(newRecordId(), userId);
  });
}
