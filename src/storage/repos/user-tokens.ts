// Owns the SQL of the Account API's caller: the opaque access token our provider issued at sign-in
// (an oidc_models row of kind AccessToken, keyed by the token value), read in one statement with the
// user it names, whether the session it lives with is still there, and the Account Center settings
// every Account API request checks next; and revoking
// a user's other sessions and tokens after a password change.
import type { Queryable } from '../db.ts';
import { userColumnsAs, userFromColumns, type UserRow } from './users.ts';
import type { AccountCenterRow } from './account-center.ts';

export interface UserAccessToken {
  /** The provider's payload fields the Account API reads. */
  accountId: string | null;
  clientId: string | null;
  grantId: string | null;
  sessionUid: string | null;
  scope: string;
  /** Issued to live only as long as its session (no offline_access), and that session is over. */
  sessionEnded: boolean;
  /** The user it names; null when there is none (deleted, or a token of no user). */
  user: UserRow | null;
  accountCenter: AccountCenterRow | null;
}

/** The live access token `value`, or null (unknown, expired, revoked: the provider deletes revoked rows). */
export async function findUserAccessToken(q: Queryable, value: string): Promise<UserAccessToken | null> {
  const rows = await q.query<Record<string, unknown> & { payload: Record<string, unknown> }>(
    `SELECT m.payload, ${userColumnsAs('u', 'u_')}, ac.id AS ac_id, ac.enabled AS ac_enabled, ac.fields AS ac_fields,
            s.id IS NOT NULL AS session_live
       FROM oidc_models m
       LEFT JOIN users u ON u.id = m.payload->>'accountId'
       LEFT JOIN oidc_models s ON s.kind = 'Session' AND s.uid = m.payload->>'sessionUid' AND (s.expires_at IS NULL OR s.expires_at > now())
       LEFT JOIN account_centers ac ON ac.id = 'default'
      WHERE m.kind = 'AccessToken' AND m.id = $1 AND (m.expires_at IS NULL OR m.expires_at > now())`,
    [value],
  );
  const row = rows[0];
  if (!row) return null;
  const text = (key: string) => (typeof row.payload[key] === 'string' ? (row.payload[key] as string) : null);
  return {
    accountId: text('accountId'),
    clientId: text('clientId'),
    grantId: text('grantId'),
    sessionUid: text('sessionUid'),
    scope: text('scope') ?? '',
    sessionEnded: row.payload.expiresWithSession === true && row.session_live !== true,
    user: userFromColumns(row, 'u_'),
    accountCenter:
      row.ac_id === null ? null : { id: row.ac_id as string, enabled: row.ac_enabled as boolean, fields: row.ac_fields as Record<string, string> },
  };
}

/**
 * Ends every session, grant and token of the user except the caller's own: its grant (with the
 * tokens issued under it) and the session it was issued in. Runs through oidc_models_account.
 */
export async function revokeOtherSessions(q: Queryable, userId: string, keep: { grantId: string | null; sessionUid: string | null }): Promise<number> {
  const rows = await q.query(
    `DELETE FROM oidc_models
      WHERE payload->>'accountId' = $1
        AND NOT (grant_id IS NOT NULL AND grant_id = $2)
        AND NOT (kind = 'Grant' AND id = $2)
        AND NOT (kind = 'Session' AND uid IS NOT NULL AND uid = $3)
      RETURNING 1`,
    [userId, keep.grantId, keep.sessionUid],
  );
  return rows.length;
}
