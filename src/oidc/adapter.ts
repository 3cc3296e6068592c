// Owns the OIDC provider's storage adapter: every model the provider keeps (Session, Interaction,
// Grant, AuthorizationCode, AccessToken, RefreshToken, ClientCredentials, …) is one row of
// oidc_models, so nothing lives in process memory and any process sharing the database can continue
// a flow. Clients are not stored here: they are read from applications (see clients.ts).
import { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Db } from '../storage/db.ts';

const live = 'AND (expires_at IS NULL OR expires_at > now())';

export function createAdapterFactory(db: Db, findClient: (id: string) => Promise<AdapterPayload | undefined>) {
  return class DbAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null;
      await db.query(
        `INSERT INTO oidc_models (kind, id, payload, grant_id, uid, user_code, expires_at)
         VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7)
         ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`,
        [this.kind, id, JSON.stringify(payload), payload.grantId ?? null, payload.uid ?? null, payload.userCode ?? null, expiresAt],
      );
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.kind === 'Client') return findClient(id);
      return this.one(`SELECT payload, consumed_at FROM oidc_models WHERE kind = $1 AND id = $2 ${live}`, [this.kind, id]);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return this.one(`SELECT payload, consumed_at FROM oidc_models WHERE kind = $1 AND uid = $2 ${live}`, [this.kind, uid]);
    }

    findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return this.one(`SELECT payload, consumed_at FROM oidc_models WHERE kind = $1 AND user_code = $2 ${live}`, [
        this.kind,
        userCode,
      ]);
    }

    /** Check-and-set: of two requests spending the same code or refresh token at once, only one
     *  marks it; the other gets invalid_grant (a later replay is caught by the provider itself,
     *  which sees `consumed` and revokes the grant). */
    async consume(id: string): Promise<void> {
      const rows = await db.query('UPDATE oidc_models SET consumed_at = now() WHERE kind = $1 AND id = $2 AND consumed_at IS NULL RETURNING id', [
        this.kind,
        id,
      ]);
      if (rows.length === 0) throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM oidc_models WHERE kind = $1 AND id = $2', [this.kind, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('DELETE FROM oidc_models WHERE grant_id = $1', [grantId]);
    }

    private async one(sql: string, params: unknown[]): Promise<AdapterPayload | undefined> {
      const [row] = await db.query<{ payload: AdapterPayload; consumed_at: Date | null }>(sql, params);
      if (!row) return undefined;
      // The provider reads `consumed` (epoch seconds) to detect replays of one-time artefacts.
      return row.consumed_at ? { ...row.payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : row.payload;
    }
  };
}
