// Owns who calls the Account API (README "Account", my-account-api.md "Request pipeline" steps 2–4):
// the bearer is an opaque access token our provider issued to an application at sign-in (no
// resource indicator), alive and not revoked (nor ended with its session, for a token that lives
// only as long as it: the provider's userinfo refuses those too), naming a user that exists and is not suspended, with
// scope `openid`; then the Account Center must be on. One statement reads the token, its user and
// the Account Center settings (repos/user-tokens.ts).
// Throws LogtoError auth.authorization_header_missing, auth.authorization_token_type_not_supported,
// auth.unauthorized (401), auth.forbidden (403), account_center.not_enabled (400); and from
// assertScope auth.unauthorized with status 400 (the routes' scope failures, my-account-api.md).
import type { Queryable } from '../../storage/db.ts';
import type { AccountCenterRow } from '../../storage/repos/account-center.ts';
import { findUserAccessToken } from '../../storage/repos/user-tokens.ts';
import type { UserRow } from '../../storage/repos/users.ts';
import { LogtoError } from '../errors.ts';

/** The signed-in user calling, as the token and the request tell. */
export interface AccountCaller {
  userId: string;
  /** The user's row as read with the token (the request's first read). */
  user: UserRow;
  scopes: ReadonlySet<string>;
  clientId: string | null;
  /** The grant and session the token was issued under: kept when a password change revokes the rest. */
  grantId: string | null;
  sessionUid: string | null;
  accountCenter: Pick<AccountCenterRow, 'enabled' | 'fields'>;
  /** The `logto-verification-id` header when it was sent once (an array-valued header is none). */
  verificationId: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface CallerRequest {
  authorization: string | undefined;
  verificationId: string | string[] | undefined;
  ip: string | null;
  userAgent: string | null;
}

/** Steps 2–4 of the pipeline: the caller, or the first failure. */
export async function authenticateAccountCaller(db: Queryable, request: CallerRequest): Promise<AccountCaller> {
  const header = request.authorization;
  if (!header) throw new LogtoError('auth.authorization_header_missing');
  if (!header.startsWith('Bearer ')) throw new LogtoError('auth.authorization_token_type_not_supported');
  const value = header.slice('Bearer '.length).trim();
  // Opaque tokens are 43 base64url characters; anything far from that is not one of ours.
  const token = value && value.length <= 256 ? await findUserAccessToken(db, value) : null;
  if (!token || token.sessionEnded || !token.accountId || !token.user || token.user.is_suspended) throw new LogtoError('auth.unauthorized');
  const scopes = new Set(token.scope.split(' ').filter(Boolean));
  if (!scopes.has('openid')) throw new LogtoError('auth.forbidden');
  if (!token.accountCenter?.enabled) throw new LogtoError('account_center.not_enabled');
  return {
    userId: token.user.id,
    user: token.user,
    scopes,
    clientId: token.clientId,
    grantId: token.grantId,
    sessionUid: token.sessionUid,
    accountCenter: token.accountCenter,
    verificationId: typeof request.verificationId === 'string' && request.verificationId ? request.verificationId : null,
    ip: request.ip,
    userAgent: request.userAgent,
  };
}

/** A route's scope: 400 auth.unauthorized when the token does not carry it. */
export function assertScope(caller: AccountCaller, scope: string): void {
  if (!caller.scopes.has(scope)) throw new LogtoError('auth.unauthorized', undefined, 400);
}
