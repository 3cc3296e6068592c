// Verification method Totp (E13 secret, E14 verify; RFC 6238). A record either sets up a new TOTP
// (it holds the new secret, sealed with the server secret, until E22 binds it) or, without a
// secret, proves the TOTP the user already has (an MFA proof). The plain secret exists only inside
// the calls below and E13's answer; it is never logged or audited.
import { z } from 'zod';
import type { Keyring } from '../../crypto/keyring.ts';
import { generateTotpSecret, matchTotp } from '../../crypto/totp.ts';
import type { Queryable } from '../../storage/db.ts';
import { findFactor, type FactorSummary } from '../../storage/repos/mfa-factors.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import type { VerificationMethod } from './types.ts';

export const TotpRecord = z.object({
  id: z.string(),
  type: z.literal('Totp'),
  userId: z.string(),
  /** New-bind records only: the new secret, sealed (keyring.encrypt). */
  secret: z.string().optional(),
  /** New-bind records, verified: the step whose code proved the secret (stored with the factor, so
   *  that code is not accepted again at sign-in). */
  step: z.number().optional(),
  verified: z.boolean(),
});
export type TotpRecord = z.infer<typeof TotpRecord>;

export const totpMethod: VerificationMethod<TotpRecord> = {
  type: 'Totp',
  schema: TotpRecord,
  authentication: (record, user) => (record.verified && record.secret === undefined && record.userId === user.id ? { amr: ['otp'], factor: 'totp' } : undefined),
  mfa: {
    factor: 'Totp',
    proves: (record, userId) => record.verified && record.secret === undefined && record.userId === userId,
    staged(record) {
      if (!record.verified) throw new LogtoError('session.verification_failed');
      if (record.secret === undefined) throw new LogtoError('session.mfa.pending_info_not_found');
      return { type: 'Totp', secret: record.secret, ...(record.step === undefined ? {} : { step: record.step }) };
    },
  },
};

/** What the checks need: the server secret that seals TOTP seeds, the clock, the database. */
export interface TotpDeps {
  db: Queryable;
  clock: Clock;
  keyring: Keyring;
}

/** E13: a new-bind record holding a new secret (from the CSPRNG) sealed, and that secret in plain
 *  text for the one answer that shows it. */
export function createTotpSecretRecord(deps: Pick<TotpDeps, 'keyring'>, id: string, userId: string): { record: TotpRecord; secret: string } {
  const secret = generateTotpSecret();
  return { record: { id, type: 'Totp', userId, secret: deps.keyring.encrypt(secret), verified: false }, secret };
}

/**
 * E14 with an id: the code checked against the record's new secret (this step or one either side)
 * → the record verified, still holding the secret and the step that proved it, for E22 to bind (the
 * factor starts with that step used). Throws session.mfa.invalid_totp_code (wrong code, or no pending secret).
 */
export function verifyNewTotpSecret(deps: Pick<TotpDeps, 'keyring' | 'clock'>, record: TotpRecord, code: string): TotpRecord {
  if (record.secret === undefined) throw new LogtoError('session.mfa.invalid_totp_code');
  const step = matchTotp(deps.keyring.decrypt(record.secret), code, deps.clock.now());
  if (step === null) throw new LogtoError('session.mfa.invalid_totp_code');
  return { ...record, step: Math.max(step, record.step ?? step), verified: true };
}

/**
 * E14 without an id: the step among this one and one either side whose code `code` is, for the
 * user's bound TOTP (its id and sealed secret); null for a wrong code. The caller takes the step by
 * one compare-and-set (repos/mfa-factors.ts totpStepGate, with storing the record), so each step is
 * accepted once per user: a replay in the same step, or a code of an earlier step than the last
 * accepted one, is then refused like a wrong code, and of parallel checks of one code exactly one wins.
 */
export function matchBoundTotp(deps: Pick<TotpDeps, 'keyring' | 'clock'>, factor: { secret: string }, code: string): number | null {
  return matchTotp(deps.keyring.decrypt(factor.secret), code, deps.clock.now());
}

/** The user's bound TOTP (id and sealed secret): as the request's first read fetched it, else read. */
export async function boundTotp(deps: Pick<TotpDeps, 'db'>, userId: string, read: readonly FactorSummary[] | undefined): Promise<{ id: string; secret: string } | null> {
  const kept = read?.find((f) => f.type === 'Totp');
  if (read) return kept?.id && kept.secret ? { id: kept.id, secret: kept.secret } : null;
  const row = await findFactor(deps.db, userId, 'Totp');
  return row?.totp_secret ? { id: row.id, secret: row.totp_secret } : null;
}

/** The verified record proving the user's TOTP (an MFA proof), once its step is taken. */
export const totpProof = (id: string, userId: string): TotpRecord => ({ id, type: 'Totp', userId, verified: true });

/** The account name an authenticator app shows for the user: its email, else username, else phone,
 *  else id. */
export const authenticatorAccountOf = (user: { id: string; username: string | null; primary_email: string | null; primary_phone: string | null }): string =>
  user.primary_email ?? user.username ?? user.primary_phone ?? user.id;
