// Owns the WebAuthn ceremonies of the Experience API (E15–E18) on one record each: a challenge of
// 32 random bytes bound to the record and its user, answered once before it expires. Registration
// checks an attestation ('none' is asked for) and refuses a credential any user already has;
// authentication checks an assertion by one of the user's own credentials and the sign-counter
// rule, then moves the stored counter with one compare-and-set (repos/mfa-factors.ts), so two
// answers seen at once cannot both pass the rule against the same stored value.
// Throws LogtoError session.mfa.pending_info_not_found (400: not that kind of record, or its
// challenge is used), session.mfa.webauthn_verification_failed (400: anything that does not verify,
// malformed data included), session.mfa.webauthn_verification_not_found (400: no credential).
import { randomBytes } from 'node:crypto';
import type { AuthenticatorTransport, PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { Db } from '../../storage/db.ts';
import { advanceCounter, findCredential, listWebAuthn, type MfaFactorRow } from '../../storage/repos/mfa-factors.ts';
import type { UserRow } from '../../storage/repos/users.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import { authenticationResponseOf, registrationResponseOf, type AuthenticationPayload, type RegistrationPayload } from './webauthn-payload.ts';
import type { RelyingParty } from './webauthn-rp.ts';
import type { WebAuthnRecord } from './webauthn.ts';

export interface CeremonyDeps {
  db: Db;
  clock: Clock;
}

/** How long a challenge may be answered (also the browser's timeout). */
export const CEREMONY_TIMEOUT_MS = 5 * 60_000;

/**
 * A refused ceremony. `auditNote` says in the audit row what was refused (experience/audit.ts); it
 * never holds a challenge, key or signature.
 */
export class WebAuthnRefused extends LogtoError {
  constructor(readonly auditNote: string) {
    super('session.mfa.webauthn_verification_failed');
  }
}

/** @simplewebauthn/server, loaded by the first ceremony: it weighs about 28 MB of resident memory
 *  (its ASN.1 and X.509 modules), which a server whose users never use a passkey need not carry. */
let library: Promise<typeof import('@simplewebauthn/server')> | undefined;
const simpleWebAuthn = () => (library ??= import('@simplewebauthn/server'));

const bytes = (base64url: string) => new Uint8Array(Buffer.from(base64url, 'base64url'));
const userHandleOf = (userId: string) => Buffer.from(userId, 'utf8').toString('base64url');
const transportsOf = (row: MfaFactorRow) => (row.transports ?? []) as AuthenticatorTransport[];
const challengeOf = () => randomBytes(32);

function newRecord(deps: CeremonyDeps, id: string, userId: string, mode: WebAuthnRecord['mode'], challenge: string): WebAuthnRecord {
  return { id, type: 'WebAuthn', userId, mode, challenge, expiresAt: deps.clock.now().getTime() + CEREMONY_TIMEOUT_MS, verified: false };
}

/** E15: a registration challenge for `user`, excluding the credentials it already has. */
export async function startRegistration(
  deps: CeremonyDeps,
  rp: RelyingParty,
  user: UserRow,
  id: string,
): Promise<{ record: WebAuthnRecord; options: PublicKeyCredentialCreationOptionsJSON }> {
  const existing = await listWebAuthn(deps.db, user.id);
  const userName = user.username ?? user.primary_email ?? user.primary_phone ?? user.id;
  const { generateRegistrationOptions } = await simpleWebAuthn();
  const options = await generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userID: new Uint8Array(Buffer.from(user.id, 'utf8')),
    userName,
    userDisplayName: user.name ?? userName,
    challenge: new Uint8Array(challengeOf()),
    timeout: CEREMONY_TIMEOUT_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((row) => ({ id: row.credential_id!, transports: transportsOf(row) })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  return { record: newRecord(deps, id, user.id, 'registration', options.challenge), options };
}

/** E17: an authentication challenge any of the user's credentials may answer. */
export async function startAuthentication(
  deps: CeremonyDeps,
  rp: RelyingParty,
  userId: string,
  id: string,
): Promise<{ record: WebAuthnRecord; options: PublicKeyCredentialRequestOptionsJSON }> {
  const existing = await listWebAuthn(deps.db, userId);
  if (existing.length === 0) throw new LogtoError('session.mfa.webauthn_verification_not_found');
  const { generateAuthenticationOptions } = await simpleWebAuthn();
  const options = await generateAuthenticationOptions({
    rpID: rp.id,
    allowCredentials: existing.map((row) => ({ id: row.credential_id!, transports: transportsOf(row) })),
    challenge: new Uint8Array(challengeOf()),
    timeout: CEREMONY_TIMEOUT_MS,
    userVerification: 'preferred',
  });
  return { record: newRecord(deps, id, userId, 'authentication', options.challenge), options };
}

/** The record's unused challenge, if it is a `mode` record whose challenge has not expired. */
export function openChallenge(deps: CeremonyDeps, record: WebAuthnRecord, mode: WebAuthnRecord['mode']): string {
  if (record.mode !== mode || record.challenge === null) throw new LogtoError('session.mfa.pending_info_not_found');
  if (deps.clock.now().getTime() >= record.expiresAt) throw new WebAuthnRefused('the challenge expired');
  return record.challenge;
}

/** The library's verdict; any exception (bad base64, CBOR, signature, origin, …) is a refusal. */
async function checked<T extends { verified: boolean }>(verify: () => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await verify();
  } catch {
    result = { verified: false } as T;
  }
  if (!result.verified) throw new WebAuthnRefused('the response did not verify (origin, RP id, type, challenge, flags or signature)');
  return result;
}

/** E16: the record verified with the new credential; its challenge used. */
export async function finishRegistration(
  deps: CeremonyDeps,
  rp: RelyingParty,
  record: WebAuthnRecord,
  payload: RegistrationPayload,
  agent: string | null,
): Promise<WebAuthnRecord> {
  const challenge = openChallenge(deps, record, 'registration');
  const { verifyRegistrationResponse } = await simpleWebAuthn();
  const { registrationInfo: info } = await checked(() =>
    verifyRegistrationResponse({
      response: registrationResponseOf(payload),
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      expectedType: 'webauthn.create',
      requireUserPresence: true,
      requireUserVerification: false,
    }),
  );
  const { credential } = info!;
  // Credentials are unique across users (the index enforces it again when submit inserts one).
  if (await findCredential(deps.db, credential.id)) throw new WebAuthnRefused('the credential is already registered');
  return {
    ...record,
    challenge: null,
    verified: true,
    credential: {
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: payload.response.transports ?? [],
      backedUp: info!.credentialBackedUp,
      deviceType: info!.credentialDeviceType,
      agent,
    },
  };
}

/**
 * The WebAuthn sign-counter rule (§6.1.1): when either counter is nonzero the new one must be
 * greater; an authenticator without a counter always presents 0.
 */
export function counterAccepted(stored: number, presented: number): boolean {
  return (stored === 0 && presented === 0) || presented > stored;
}

/** E18: the record verified by one of its user's credentials; its challenge used. */
export async function finishAuthentication(
  deps: CeremonyDeps,
  rp: RelyingParty,
  record: WebAuthnRecord,
  payload: AuthenticationPayload,
): Promise<WebAuthnRecord> {
  const challenge = openChallenge(deps, record, 'authentication');
  const factor = await findCredential(deps.db, payload.id);
  if (!factor || factor.user_id !== record.userId) throw new WebAuthnRefused("the credential is not one of the user's");
  const { userHandle } = payload.response;
  if (userHandle !== undefined && userHandle !== '' && userHandle !== userHandleOf(record.userId))
    throw new WebAuthnRefused('the user handle names another user');
  const stored = Number(factor.counter ?? 0);
  const { verifyAuthenticationResponse } = await simpleWebAuthn();
  const { authenticationInfo: info } = await checked(() =>
    verifyAuthenticationResponse({
      response: authenticationResponseOf(payload),
      expectedChallenge: challenge,
      expectedOrigin: rp.origins,
      expectedRPID: rp.id,
      expectedType: 'webauthn.get',
      // The counter is judged below, by this module's rule, so that its refusal is audited as such.
      credential: { id: factor.credential_id!, publicKey: bytes(factor.public_key!), counter: 0, transports: transportsOf(factor) },
      requireUserVerification: false,
    }),
  );
  if (!counterAccepted(stored, info.newCounter))
    throw new WebAuthnRefused(`the sign counter did not advance (stored ${stored}, presented ${info.newCounter}): a cloned authenticator?`);
  if (!(await advanceCounter(deps.db, factor.id, stored, info.newCounter, deps.clock.now())))
    throw new WebAuthnRefused('the sign counter was moved by another assertion meanwhile');
  return { ...record, challenge: null, verified: true, credentialId: factor.credential_id!, backedUp: info.credentialBackedUp };
}
