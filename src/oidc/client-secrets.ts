// Owns checking a client secret presented at the token endpoint. Accepted: the application's own
// secret (applications.secret_hash) or any unexpired named secret (/api/applications/{id}/secrets);
// an expired named secret is refused with invalid_request, as Logto does, not invalid_client.
// Everything is compared as SHA-256 digests: the stored digest in constant time; a named secret is
// found by its digest, which reveals nothing usable about a 32-character random secret.
import crypto from 'node:crypto';
import { errors } from 'oidc-provider';
import type { Clock } from '../domain/clock.ts';
import type { Db } from '../storage/db.ts';
import { findApplicationSecretByHash } from '../storage/repos/application-secrets.ts';

export async function matchesClientSecret(
  deps: { db: Db; clock: Clock },
  client: { clientId: string; storedHash: string | undefined },
  presented: string,
): Promise<boolean> {
  const given = crypto.createHash('sha256').update(presented).digest();
  const stored = Buffer.from(client.storedHash ?? '', 'hex');
  if (stored.length === given.length && crypto.timingSafeEqual(stored, given)) return true;
  const named = await findApplicationSecretByHash(deps.db, client.clientId, given.toString('hex'));
  if (!named) return false;
  if (named.expires_at && new Date(named.expires_at).getTime() <= deps.clock.now().getTime())
    throw new errors.InvalidRequest('client secret has expired');
  return true;
}
