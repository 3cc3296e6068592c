// Owns the OIDC provider's storage adapter: every model the provider keeps (Session, Interaction,
// Grant, AuthorizationCode, AccessToken, RefreshToken, ClientCredentials, …) is one row of
// oidc_models, so nothing lives in process memory and any process sharing the database can continue
// a flow. Clients are not stored here: they are read from applications (see clients.ts).
//
// Reads the provider makes in turn within one request are fetched together: reading an Interaction
// also reads the Grant its result names and the user it signs in (the resume reads both next),
// reading an AuthorizationCode also reads its Grant, its Session and its user (the token endpoint
// reads them next; the user as the provider's account, findAccount). What came along is kept
// for that request only (the provider's request context), answers one find, and is dropped by a
// write of its kind in the request (by any revocation); so every answer is what the database held during that request, as before,
// and what must be decided by the database still is (consume is a check-and-set, writes are writes).
import { AsyncLocalStorage } from 'node:async_hooks';
import Provider, { errors, type Adapter, type AdapterPayload } from 'oidc-provider';
import type { Db, Queryable } from '../storage/db.ts';
import { userColumnsAs, userFromColumns, type UserRow } from '../storage/repos/users.ts';

const live = 'AND (expires_at IS NULL OR expires_at > now())';
const liveAs = (t: string) => `(${t}.expires_at IS NULL OR ${t}.expires_at > now())`;

type Row = { payload: AdapterPayload; consumed_at: Date | null };

// The provider reads `consumed` (epoch seconds) to detect replays of one-time artefacts.
const modelOf = (row: Row | null | undefined): AdapterPayload | undefined =>
  !row || !row.payload ? undefined : row.consumed_at ? { ...row.payload, consumed: Math.floor(new Date(row.consumed_at).getTime() / 1000) } : row.payload;

/** Per provider request: models read along with another, by `<kind>:<id>` or `<kind>@uid:<uid>`,
 *  and users (the provider's accounts) by `Account:<id>`. */
const fetchedAlong = new WeakMap<object, Map<string, unknown>>();
const requestOf = (): object | undefined => (Provider as unknown as { ctx?: object }).ctx;

/** Takes (once) what the current request read along with an earlier find; null when nothing is kept. */
function takeAlong<T = AdapterPayload | undefined>(key: string): { model: T } | null {
  const request = requestOf();
  const kept = request && fetchedAlong.get(request);
  if (!kept?.has(key)) return null;
  const model = kept.get(key) as T;
  kept.delete(key);
  return { model };
}

/** The user `id` as the current request read it along with its Interaction or AuthorizationCode
 *  (null: no such user), taken once; null when nothing is kept (findAccount then reads it). */
export function takeAccountAlong(id: string): { user: UserRow | null } | null {
  const along = takeAlong<UserRow | null>(`Account:${id}`);
  return along && { user: along.model };
}

function keepAlong(entries: [string, unknown][]): void {
  const request = requestOf();
  if (!request || entries.length === 0) return;
  const kept = fetchedAlong.get(request) ?? new Map();
  for (const [key, model] of entries) kept.set(key, model);
  fetchedAlong.set(request, kept);
}

/** A write of the request drops what was read along of the kind it writes (all kinds: undefined). */
function dropAlong(kind?: string): void {
  const request = requestOf();
  const kept = request && fetchedAlong.get(request);
  if (!kept) return;
  for (const key of [...kept.keys()]) if (kind === undefined || key.startsWith(`${kind}:`) || key.startsWith(`${kind}@`)) kept.delete(key);
}

/** The models read along with one kind: their key and the SQL expression (over `m`) naming them. */
const ALONG: Record<string, { kind: string; by: 'id' | 'uid'; from: string }[]> = {
  Interaction: [{ kind: 'Grant', by: 'id', from: "COALESCE(m.payload->'result'->'consent'->>'grantId', m.payload->>'grantId')" }],
  AuthorizationCode: [
    { kind: 'Grant', by: 'id', from: 'm.grant_id' },
    { kind: 'Session', by: 'uid', from: "m.payload->>'sessionUid'" },
  ],
};

/** The account (a user id, over `m`) the provider looks up next: the resume's login, the code's. */
const ACCOUNT_ALONG: Record<string, string> = {
  Interaction: "m.payload->'result'->'login'->>'accountId'",
  AuthorizationCode: "m.payload->>'accountId'",
};

/** Tokens issued under a grant: written only while the grant lives (upsert). */
const GRANTED = new Set(['AccessToken', 'RefreshToken']);

/** One upsert as the adapter would run it. */
export interface ModelWrite {
  kind: string;
  id: string;
  payload: AdapterPayload;
  expiresIn: number;
}

const batches = new AsyncLocalStorage<ModelWrite[]>();

/**
 * Runs `saves` (model saves of the provider) with their upserts collected instead of run, and returns
 * them for writeModels, which writes them in one statement (finishing an interaction saves a Grant
 * and the Interaction: one round trip instead of two). Nothing is written until then.
 */
export async function collectModelWrites(saves: () => Promise<void>): Promise<ModelWrite[]> {
  const batch: ModelWrite[] = [];
  await batches.run(batch, saves);
  return batch;
}

const UPSERT_COLUMNS = '(kind, id, payload, grant_id, uid, user_code, expires_at)';
const ON_CONFLICT = `ON CONFLICT (kind, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
  uid = EXCLUDED.uid, user_code = EXCLUDED.user_code, expires_at = EXCLUDED.expires_at`;
const upsertParams = ({ kind, id, payload, expiresIn }: ModelWrite): unknown[] => [
  kind,
  id,
  JSON.stringify(payload),
  payload.grantId ?? null,
  payload.uid ?? null,
  payload.userCode ?? null,
  expiresIn ? new Date(Date.now() + expiresIn * 1000).toISOString() : null,
];

/** Writes collected upserts in one statement, with `rider` (parameters from `first`, run once, after
 *  them: an audit row) as a CTE of the same statement. */
export async function writeModels(
  q: Queryable,
  writes: ModelWrite[],
  rider?: (first: number, from: string) => { sql: string; params: unknown[] },
): Promise<void> {
  if (writes.length === 0 && !rider) return;
  const params = writes.flatMap(upsertParams);
  const values = writes.map((_, w) => `(${Array.from({ length: 7 }, (_, i) => `$${w * 7 + i + 1}${i === 2 ? '::jsonb' : ''}`).join(', ')})`);
  const upsert = `INSERT INTO oidc_models ${UPSERT_COLUMNS} VALUES ${values.join(', ')} ${ON_CONFLICT} RETURNING id`;
  if (!rider) {
    await q.query(upsert, params);
    return;
  }
  const extra = rider(params.length + 1, writes.length ? '(SELECT 1 FROM changed LIMIT 1) AS once' : '(SELECT 1) AS once');
  const changed = writes.length ? `changed AS (${upsert}), ` : '';
  await q.query(`WITH ${changed}rider AS (${extra.sql}) SELECT 1`, [...params, ...extra.params]);
}

export function createAdapterFactory(db: Db, findClient: (id: string) => Promise<AdapterPayload | undefined>) {
  return class DbAdapter implements Adapter {
    constructor(private readonly kind: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
      dropAlong(this.kind);
      const write = { kind: this.kind, id, payload, expiresIn };
      const batch = batches.getStore();
      if (batch) batch.push(write);
      else if (GRANTED.has(this.kind) && payload.grantId) {
        // Issued only while its grant lives: a grant revoked since it was read (a replayed code
        // revokes it) yields no token, not one that outlives the revocation.
        const rows = await db.query(
          `INSERT INTO oidc_models ${UPSERT_COLUMNS} SELECT $1, $2, $3::jsonb, $4, $5, $6, $7
            WHERE EXISTS (SELECT 1 FROM oidc_models g WHERE g.kind = 'Grant' AND g.id = $4 AND ${liveAs('g')})
           ${ON_CONFLICT} RETURNING id`,
          upsertParams(write),
        );
        if (rows.length === 0) throw new errors.InvalidGrant('grant request is invalid');
      } else await db.query(`INSERT INTO oidc_models ${UPSERT_COLUMNS} VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7) ${ON_CONFLICT}`, upsertParams(write));
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      if (this.kind === 'Client') return findClient(id);
      const along = takeAlong(`${this.kind}:${id}`);
      if (along) return along.model;
      const related = (requestOf() && ALONG[this.kind]) || [];
      if (related.length === 0) {
        return this.one(`SELECT payload, consumed_at FROM oidc_models WHERE kind = $1 AND id = $2 ${live}`, [this.kind, id]);
      }
      // One statement for the model and what the request reads next (see the header).
      const account = ACCOUNT_ALONG[this.kind];
      const columns = related.map((_, i) => `r${i}.payload AS p${i}, r${i}.consumed_at AS c${i}, ${related[i]!.from} AS k${i}`);
      const joins = related.map(
        (r, i) => `LEFT JOIN oidc_models r${i} ON r${i}.kind = '${r.kind}' AND r${i}.${r.by} = ${r.from} AND ${liveAs(`r${i}`)}`,
      );
      if (account) {
        columns.push(`${account} AS ka, ${userColumnsAs('u', 'u_')}`);
        joins.push(`LEFT JOIN users u ON u.id = ${account}`);
      }
      const [row] = await db.query<Row & Record<string, unknown>>(
        `SELECT m.payload, m.consumed_at, ${columns.join(', ')} FROM oidc_models m ${joins.join(' ')}
          WHERE m.kind = $1 AND m.id = $2 AND ${liveAs('m')}`,
        [this.kind, id],
      );
      if (!row) return undefined;
      keepAlong([
        ...related.flatMap((r, i) => {
          const key = row[`k${i}`];
          if (typeof key !== 'string') return [];
          const model = modelOf({ payload: row[`p${i}`] as AdapterPayload, consumed_at: row[`c${i}`] as Date | null });
          return [[`${r.kind}${r.by === 'id' ? ':' : '@uid:'}${key}`, model] as [string, unknown]];
        }),
        ...(typeof row.ka === 'string' ? [[`Account:${row.ka}`, userFromColumns(row, 'u_')] as [string, unknown]] : []),
      ]);
      return modelOf(row);
    }

    findByUid(uid: string): Promise<AdapterPayload | undefined> {
      const along = takeAlong(`${this.kind}@uid:${uid}`);
      if (along) return Promise.resolve(along.model);
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
      dropAlong(this.kind);
      const rows = await db.query('UPDATE oidc_models SET consumed_at = now() WHERE kind = $1 AND id = $2 AND consumed_at IS NULL RETURNING id', [
        this.kind,
        id,
      ]);
      if (rows.length === 0) throw new errors.InvalidGrant('grant request is invalid');
    }

    async destroy(id: string): Promise<void> {
      dropAlong(this.kind);
      await db.query('DELETE FROM oidc_models WHERE kind = $1 AND id = $2', [this.kind, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      dropAlong();
      await db.query('DELETE FROM oidc_models WHERE grant_id = $1', [grantId]);
    }

    private async one(sql: string, params: unknown[]): Promise<AdapterPayload | undefined> {
      const [row] = await db.query<Row>(sql, params);
      return modelOf(row);
    }
  };
}
