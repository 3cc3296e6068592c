// Owns the SQL of experience_interactions (009_experience.sql, 011_interaction_binding.sql). The
// state is opaque JSON here; the domain parses it (domain/experience/state.ts) and judges the
// browser binding (domain/experience/store.ts). Every Experience API request reads its OIDC
// interaction (the provider's oidc_models row) and this state together, with the user the state
// names, in one statement (findInteraction).
import type { Queryable } from '../db.ts';
import { FACTOR_SUMMARIES, type FactorSummary } from './mfa-factors.ts';
import { userColumnsAs, userFromColumns, type UserRow } from './users.ts';

export interface ExperienceRow {
  uid: string;
  application_id: string | null;
  state: unknown;
  /** Keyed digest of the browser's binding token; null only on rows from before bindings. */
  binding: string | null;
  /** The binding this one was rotated from, or null. */
  previous_binding: string | null;
  expires_at: Date;
}

/** What a write leaves in the row besides its key. */
export interface ExperienceWrite {
  state: unknown;
  binding: string | null;
  previous_binding: string | null;
}

/**
 * Another write that rides on a change of the state, as a data-modifying CTE of the same statement:
 * given the number of its first parameter and the name of the change's CTE, its body (run once per
 * row of that CTE, so only when the change happened) and parameters. The audit row of the change.
 */
export type Rider = (first: number, from: string) => { sql: string; params: unknown[] };

/** `statement` (whose RETURNING names CTE `changed`), with the rider written by the same statement. */
function withRider(statement: string, params: unknown[], rider: Rider | undefined): [string, unknown[]] {
  if (!rider) return [statement, params];
  const extra = rider(params.length + 1, 'changed');
  return [`WITH changed AS (${statement}), rider AS (${extra.sql}) SELECT * FROM changed`, [...params, ...extra.params]];
}

/** Creates or resets the interaction's state and binding (PUT /api/experience clears earlier data). */
export async function putExperience(q: Queryable, row: Omit<ExperienceRow, 'previous_binding'>, rider?: Rider): Promise<void> {
  await q.query(
    ...withRider(
      `INSERT INTO experience_interactions (uid, application_id, state, binding, previous_binding, expires_at)
       VALUES ($1, $2, $3::jsonb, $4, NULL, $5)
       ON CONFLICT (uid) DO UPDATE SET application_id = EXCLUDED.application_id, state = EXCLUDED.state,
         binding = EXCLUDED.binding, previous_binding = NULL, expires_at = EXCLUDED.expires_at
       RETURNING uid`,
      [row.uid, row.application_id, JSON.stringify(row.state), row.binding, row.expires_at.toISOString()],
      rider,
    ),
  );
}

/** How a state names a user: by id, or by the email or phone a verified code record proves. */
export interface NamedUser {
  by: 'id' | 'email' | 'phone';
  value: string;
}

/** The provider's live Interaction `uid` (its stored payload) and the live experience state of it. */
export interface InteractionRow {
  payload: Record<string, unknown>;
  experience: ExperienceRow | null;
  /** The user the state names (NAMED) and that user's row as the same statement read it (null: no
   *  such user), with its MFA factors (mfa-factors.ts FACTOR_SUMMARIES); absent when it names none. */
  user?: NamedUser & { row: UserRow | null; factors: FactorSummary[] };
}

/**
 * The user a state names, in order: the identified user; else the first record naming one by id (a
 * password record); else the first verified record proving an email or phone (a code record), found
 * as users.ts findUserByIdentifier finds it. Each arm uses its own unique index.
 */
const NAMED = `LEFT JOIN LATERAL (
    SELECT COALESCE(e.state->>'userId', jsonb_path_query_first(e.state, '$.verificationRecords[*].userId') #>> '{}') AS id,
           jsonb_path_query_first(e.state,
             '$.verificationRecords[*] ? (@.verified == true && (@.identifier.type == "email" || @.identifier.type == "phone")).identifier') AS proved
  ) n ON true
  LEFT JOIN LATERAL (
    SELECT * FROM users WHERE id = n.id
    UNION ALL SELECT * FROM users WHERE n.id IS NULL AND n.proved->>'type' = 'email' AND lower(primary_email) = lower(n.proved->>'value')
    UNION ALL SELECT * FROM users WHERE n.id IS NULL AND n.proved->>'type' = 'phone' AND primary_phone = n.proved->>'value'
    LIMIT 1
  ) u ON true`;

/**
 * The OIDC interaction and its experience state, one statement for what were two reads, with the
 * user the state names (the request reads it next: identification, submit, profile). Liveness as
 * each owner judges it: the provider's row by the database's clock (as its adapter does), the state
 * by `now` (as findExperience does). Null when the interaction is gone.
 */
export async function findInteraction(q: Queryable, uid: string, now: Date): Promise<InteractionRow | null> {
  const rows = await q.query<
    { payload: Record<string, unknown>; e_uid: string | null; n_by: NamedUser['by'] | null; n_value: string | null; u_factors: FactorSummary[] | null } & Omit<
      ExperienceRow,
      'uid'
    >
  >(
    `SELECT m.payload, e.uid AS e_uid, e.application_id, e.state, e.binding, e.previous_binding, e.expires_at,
            CASE WHEN n.id IS NOT NULL THEN 'id' ELSE n.proved->>'type' END AS n_by, COALESCE(n.id, n.proved->>'value') AS n_value,
            ${userColumnsAs('u', 'u_')}, CASE WHEN u.id IS NOT NULL THEN ${FACTOR_SUMMARIES('u.id')} END AS u_factors
       FROM oidc_models m LEFT JOIN experience_interactions e ON e.uid = m.id AND e.expires_at > $2
       ${NAMED}
      WHERE m.kind = 'Interaction' AND m.id = $1 AND (m.expires_at IS NULL OR m.expires_at > now())`,
    [uid, now.toISOString()],
  );
  const row = rows[0];
  if (!row) return null;
  const { payload, e_uid, n_by, n_value, u_factors, application_id, state, binding, previous_binding, expires_at } = row;
  const user = n_by === null || n_value === null ? undefined : { by: n_by, value: n_value, row: userFromColumns(row, 'u_'), factors: u_factors ?? [] };
  return {
    payload,
    experience: e_uid === null ? null : { uid: e_uid, application_id, state, binding, previous_binding, expires_at },
    ...(user ? { user } : {}),
  };
}

/** The live state, or null; `lock` holds the row until the surrounding transaction ends. */
export async function findExperience(q: Queryable, uid: string, now: Date, lock = false): Promise<ExperienceRow | null> {
  const rows = await q.query<ExperienceRow>(
    `SELECT * FROM experience_interactions WHERE uid = $1 AND expires_at > $2${lock ? ' FOR UPDATE' : ''}`,
    [uid, now.toISOString()],
  );
  return rows[0] ?? null;
}

/** Compare-and-set: writes `next` only if the stored state (jsonb equality) and binding are still
 *  those read; false when another request changed either first or the row is gone (and the rider
 *  is then not written either). */
export async function replaceExperience(
  q: Queryable,
  uid: string,
  expected: { state: unknown; binding: string | null },
  next: ExperienceWrite,
  rider?: Rider,
): Promise<boolean> {
  const rows = await q.query(
    ...withRider(
      `UPDATE experience_interactions SET state = $4::jsonb, binding = $5, previous_binding = $6
        WHERE uid = $1 AND state = $2::jsonb AND binding IS NOT DISTINCT FROM $3 RETURNING uid`,
      [uid, JSON.stringify(expected.state), expected.binding, JSON.stringify(next.state), next.binding, next.previous_binding],
      rider,
    ),
  );
  return rows.length === 1;
}

/**
 * A condition a change of the state must pass, checked by the statement that stores it: given the
 * number of its first parameter, top-level CTEs (they may write) of which the last is named `gate`
 * and answers one row with a boolean `ok`, and their parameters.
 */
export type Gate = (first: number) => { ctes: string; params: unknown[] };

/**
 * replaceExperience behind a gate, in one statement: the gate's CTEs run first, the state is
 * written only when the gate's row says ok (and the state and binding are still those read), and
 * the rider only when it was. Answers the gate's row and whether the state was stored; ok without
 * stored means another request changed the state first (the gate's own writes stand).
 */
export async function replaceExperienceGated(
  q: Queryable,
  uid: string,
  expected: { state: unknown; binding: string | null },
  next: ExperienceWrite,
  gate: Gate,
  rider?: Rider,
): Promise<{ gate: { ok: boolean } & Record<string, unknown>; stored: boolean }> {
  const params: unknown[] = [uid, JSON.stringify(expected.state), expected.binding, JSON.stringify(next.state), next.binding, next.previous_binding];
  const g = gate(params.length + 1);
  params.push(...g.params);
  const extra = rider?.(params.length + 1, 'changed');
  if (extra) params.push(...extra.params);
  const rows = await q.query<{ gate: { ok: boolean } & Record<string, unknown>; stored: boolean }>(
    `WITH ${g.ctes},
     changed AS (UPDATE experience_interactions SET state = $4::jsonb, binding = $5, previous_binding = $6
        WHERE uid = $1 AND state = $2::jsonb AND binding IS NOT DISTINCT FROM $3 AND (SELECT ok FROM gate) RETURNING uid)
     ${extra ? `, rider AS (${extra.sql})` : ''}
     SELECT (SELECT row_to_json(gate) FROM gate) AS gate, EXISTS (SELECT 1 FROM changed) AS stored`,
    params,
  );
  return rows[0]!;
}

/**
 * Submit's compare-and-set: deletes the state only if it and its binding are still those read, and
 * in the same statement runs `userChange` (an UPDATE of one user without RETURNING, parameters
 * numbered from 4: users.ts userUpdate) only when the state was deleted, so both happen or neither
 * (a unique violation of the user's update fails the whole statement). Undefined when the state
 * changed first or is gone (nothing written); else the user as updated, or null when it is gone.
 */
export async function deleteExperienceWithUser<U>(
  q: Queryable,
  uid: string,
  expected: { state: unknown; binding: string | null },
  userChange: { sql: string; params: unknown[] },
): Promise<U | null | undefined> {
  const rows = await q.query<U & { id: string | null }>(
    `WITH changed AS (
       DELETE FROM experience_interactions WHERE uid = $1 AND state = $2::jsonb AND binding IS NOT DISTINCT FROM $3 RETURNING uid),
     u AS (${userChange.sql} AND EXISTS (SELECT 1 FROM changed) RETURNING *)
     SELECT u.* FROM changed LEFT JOIN u ON true`,
    [uid, JSON.stringify(expected.state), expected.binding, ...userChange.params],
  );
  const row = rows[0];
  if (!row) return undefined;
  return row.id === null ? null : (row as U);
}

export async function saveExperience(q: Queryable, uid: string, next: ExperienceWrite): Promise<void> {
  await q.query('UPDATE experience_interactions SET state = $2::jsonb, binding = $3, previous_binding = $4 WHERE uid = $1', [
    uid,
    JSON.stringify(next.state),
    next.binding,
    next.previous_binding,
  ]);
}

export async function deleteExperience(q: Queryable, uid: string): Promise<void> {
  await q.query('DELETE FROM experience_interactions WHERE uid = $1', [uid]);
}
