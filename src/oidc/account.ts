// Owns how a user appears to the OIDC provider as an account: `sub` is the user id, and the claims
// each scope releases (OIDC_CLAIMS, also the provider's `claims` configuration). A user that does not
// exist or is suspended is no account, so the provider refuses its sessions, codes and tokens.
import type { Account, AccountClaims } from 'oidc-provider';
import type { Queryable } from '../storage/db.ts';
import { findUser, type UserRow } from '../storage/repos/users.ts';

/** Claims by scope. `offline_access` releases no claim: it asks for a refresh token. `auth_time` and
 *  `amr` (how the user signed in, domain/experience/amr.ts) come from the session, not the account. */
export const OIDC_CLAIMS: Record<string, string[]> = {
  openid: ['sub', 'auth_time', 'amr'],
  profile: ['name', 'username', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
  phone: ['phone_number', 'phone_number_verified'],
  // OIDC Core 5.4; Logto's own two, which the Account API also reads as its field scopes
  // (my-account-api.md "Scope ↔ data map").
  address: ['address'],
  custom_data: ['custom_data'],
  identities: ['identities'],
};

/** Every OIDC scope the provider knows (resource scopes such as `all` are not among them). */
export const OIDC_SCOPES: readonly string[] = [...Object.keys(OIDC_CLAIMS), 'offline_access'];

/** Management API phones are stored as digits only; OIDC wants E.164 with its '+'. */
const e164 = (phone: string) => (phone.startsWith('+') ? phone : `+${phone}`);

/**
 * Every claim of the user; the provider releases only those the granted scopes and claims allow.
 * Claims without a value are left out rather than sent as null (OIDC Core 5.3.2).
 */
export function claimsOf(user: UserRow): AccountClaims {
  const claims: AccountClaims = { sub: user.id, updated_at: Math.floor(new Date(user.updated_at).getTime() / 1000) };
  if (user.name !== null) claims.name = user.name;
  if (user.username !== null) claims.username = user.username;
  if (user.avatar !== null) claims.picture = user.avatar;
  if (user.primary_email !== null) Object.assign(claims, { email: user.primary_email, email_verified: true });
  if (user.primary_phone !== null) Object.assign(claims, { phone_number: e164(user.primary_phone), phone_number_verified: true });
  const address = user.profile.address;
  if (address && typeof address === 'object') claims.address = address as AccountClaims['address'];
  claims.custom_data = user.custom_data;
  claims.identities = user.identities;
  return claims;
}

/** The account for user `id`, or undefined when there is no such user or it is suspended. */
export async function findAccount(q: Queryable, id: string): Promise<Account | undefined> {
  return accountOf(await findUser(q, id));
}

/** The account of a user row already read (undefined: none, or suspended). */
export function accountOf(user: UserRow | null): Account | undefined {
  if (!user || user.is_suspended) return undefined;
  return { accountId: user.id, claims: () => claimsOf(user) };
}
