// Owns the SQL of enterprise SSO sign-in: the connectors of an email domain (migration 018's GIN
// index on sso_connectors.domains serves `?`), and the one-time consumption of a SAML assertion
// (migration 017's saml_assertions_consumed: the insert is the check, so of two concurrent uses of one
// assertion exactly one inserts its row).
import type { Queryable } from '../db.ts';
import type { SsoConnectorRow } from './sso-connectors.ts';

/** The connectors listing `domain` (lower case) among their email domains, oldest first. */
export async function findSsoConnectorRowsByDomain(q: Queryable, domain: string): Promise<SsoConnectorRow[]> {
  return q.query<SsoConnectorRow>('SELECT * FROM sso_connectors WHERE domains ? $1 ORDER BY created_at, id', [domain]);
}

/** Records an assertion as used until `expiresAt`; false when it was used before (a replay). */
export async function consumeSamlAssertion(q: Queryable, id: string, expiresAt: Date): Promise<boolean> {
  const rows = await q.query('INSERT INTO saml_assertions_consumed (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING RETURNING id', [
    id,
    expiresAt.toISOString(),
  ]);
  return rows.length === 1;
}
