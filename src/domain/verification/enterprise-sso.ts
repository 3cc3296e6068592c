// Verification method EnterpriseSso (E11, E12; experience-api.md record use matrix): an SSO
// connector's sign-in. E11 stores the SSO session (state, sealed PKCE verifier and nonce for OIDC;
// AuthnRequest id and relay token for SAML; the redirect URI); a SAML assertion accepted by the
// assertion consumer route is kept in it (`assertion`); E12 uses the session once (it is removed) and
// the record then holds the IdP's verified user. E3 signs in (or registers) the user of the identity;
// the user it names is set on the record then (`userId`), and the record bypasses MFA for that user.
import { z } from 'zod';
import type { VerificationMethod } from './types.ts';

/** The IdP's user as sign-in uses it: `email` only when the IdP verified it (or the connector trusts it). */
export const SsoUserInfo = z.object({
  id: z.string().min(1),
  email: z.string().optional(),
  name: z.string().optional(),
  avatar: z.string().optional(),
});
export type SsoUserInfo = z.infer<typeof SsoUserInfo>;

export const SsoSession = z.discriminatedUnion('protocol', [
  z.object({ protocol: z.literal('oidc'), state: z.string(), redirectUri: z.string(), sealedVerifier: z.string(), nonce: z.string() }),
  z.object({
    protocol: z.literal('saml'),
    state: z.string(),
    redirectUri: z.string(),
    requestId: z.string(),
    relayToken: z.string(),
    /** Set by the assertion consumer route once the IdP's response is accepted; `codeDigest` is the
     *  SHA-256 of the one-time code it put in the browser's redirect, which E12 must present. */
    assertion: z.object({ issuer: z.string(), userInfo: SsoUserInfo, codeDigest: z.string() }).optional(),
  }),
]);
export type SsoSession = z.infer<typeof SsoSession>;

export const EnterpriseSsoRecord = z.object({
  id: z.string(),
  type: z.literal('EnterpriseSso'),
  connectorId: z.string(),
  verified: z.boolean(),
  session: SsoSession.optional(),
  /** The identity (issuer + the IdP's subject) and user info E12 verified. */
  issuer: z.string().optional(),
  userInfo: SsoUserInfo.optional(),
  /** The user E3 identified (or created) by this record. */
  userId: z.string().optional(),
});
export type EnterpriseSsoRecord = z.infer<typeof EnterpriseSsoRecord>;

/** The factor a verified SSO record proves (amr.ts); it stands for MFA at submit (mfa-rules.ts). */
export const ENTERPRISE_SSO_FACTOR = 'enterprise-sso';

export const enterpriseSsoMethod: VerificationMethod<EnterpriseSsoRecord> = {
  type: 'EnterpriseSso',
  schema: EnterpriseSsoRecord,
  registration: (record) => (record.userInfo?.email ? { primaryEmail: record.userInfo.email } : {}),
  authentication: (record, user) => (record.verified && record.userId === user.id ? { amr: [], factor: ENTERPRISE_SSO_FACTOR } : undefined),
};
