// Owns loading and changing an interaction's experience state in the database, and who may: only
// the browser holding the interaction's binding (oidc/browser-binding.ts). Reads take a snapshot
// (a request's first is the row read with its interaction, judged here like any other). A
// change of the state alone is one compare-and-set statement against the snapshot (state and
// binding) it was computed from; when another request of the interaction changed either first, the
// change is computed again on a fresh read, whose binding is judged again (it is a pure function, so
// re-running it is safe). A change that also writes elsewhere (creating the user, submit) runs in a
// transaction holding the row (FOR UPDATE). Either way concurrent requests of one interaction apply
// in turn and each sees the previous one's result. Slow work (argon2, sending a code) happens
// before, on the snapshot.
//
// The binding: PUT /api/experience (initExperience) issues one; every other read and change needs
// the cookie to match it. When a change makes the interaction identified (userId set where there
// was none: a privilege change) the binding rotates, as sessions do. The binding it was rotated from
// keeps read access and may only repeat what is done (a change that leaves the state as it is): a
// second click on "continue", or a parallel identification of the same page, answers as before
// without a new cookie, while anything that would change the state (above all submit) needs the
// current binding. A new binding is handed to the HTTP layer in context.binding.issued once stored.
//
// Throws LogtoError session.interaction_not_found (404) when the interaction has no state, or none
// for this browser (recorded in the audit log).
import { isDeepStrictEqual } from 'node:util';
import type { Interaction } from 'oidc-provider';
import { randomString, type Keyring } from '../../crypto/keyring.ts';
import { bindingMatches, issueBinding, type IssuedBinding } from '../../oidc/browser-binding.ts';
import type { Db, Queryable } from '../../storage/db.ts';
import * as repo from '../../storage/repos/experience.ts';
import type { FactorSummary } from '../../storage/repos/mfa-factors.ts';
import { findUser, type UserRow } from '../../storage/repos/users.ts';
import { carriedWritten, type AuditEvents, type CarriedAudit } from '../audit/index.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import type { InteractionEvent } from '../verification/types.ts';
import { auditUnbound } from './audit.ts';
import { ExperienceState, initialState } from './state.ts';

export interface StoreDeps {
  db: Db;
  clock: Clock;
  keyring: Keyring;
  /** Listener for audit rows (a refused binding is recorded). */
  events?: AuditEvents;
}

/** The OIDC interaction a request belongs to (from the provider's `_interaction` cookie). */
export interface InteractionContext {
  uid: string;
  applicationId: string | null;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The browser's binding token as its cookie presents it (null: no cookie); `issued` is set by
   *  the store when it stored a new binding, for the HTTP layer to put in the cookie. */
  binding: { presented: string | null; issued?: string };
  /** What the request read with its interaction, taken once: the provider's model (finishing it
   *  needs no second read), the experience row, the first snapshot of the state, and the user that
   *  row names (takeReadUser). */
  read?: {
    interaction?: Interaction;
    experience?: repo.ExperienceRow | null;
    user?: repo.NamedUser & { row: UserRow | null };
    /** The MFA factors of the user that read found, by its id (not taken: judging MFA twice in a
     *  request needs them twice). */
    factors?: { userId: string; list: FactorSummary[] };
  };
}

/** The factors of `userId` as the request's first read fetched them; undefined when it did not. */
export function readFactors(context: InteractionContext | undefined, userId: string): FactorSummary[] | undefined {
  const kept = context?.read?.factors;
  return kept?.userId === userId ? kept.list : undefined;
}

/**
 * The user `named` as the request's first read fetched it (null: no such user), taken once;
 * undefined when that read did not fetch this user (the caller reads it). The row is as fresh as a
 * read of its own made at that point of the request: the use cases read their user right after the
 * first snapshot. A user id names the same user however given; an email or phone as the record holds it.
 */
export function takeReadUser(context: InteractionContext, named: string | repo.NamedUser): UserRow | null | undefined {
  const want = typeof named === 'string' ? { by: 'id', value: named } : named;
  const kept = context.read?.user;
  if (!kept || kept.by !== want.by || kept.value !== want.value) return undefined;
  context.read!.user = undefined;
  return kept.row;
}

/** The identified user `userId`'s row: as the request's first read fetched it, else read now.
 *  Throws session.identifier_not_found when the user is gone. */
export async function identifiedUserRow(deps: Pick<StoreDeps, 'db'>, context: InteractionContext, userId: string): Promise<UserRow> {
  const read = takeReadUser(context, userId);
  const user = read !== undefined ? read : await findUser(deps.db, userId);
  if (!user) throw new LogtoError('session.identifier_not_found');
  return user;
}

/** Verification record ids: 21 lowercase alphanumerics, as Logto's. */
export const newRecordId = () => randomString(21);

/** E1: the interaction's state starts over, bound to a new binding (context.binding.issued); the
 *  audit row, when given, is written by the same statement. */
export async function initExperience(deps: StoreDeps, context: InteractionContext, event: InteractionEvent, audit?: CarriedAudit): Promise<void> {
  const issued = issueBinding(deps.keyring);
  const row = { uid: context.uid, application_id: context.applicationId, state: initialState(event), binding: issued.digest, expires_at: context.expiresAt };
  await repo.putExperience(deps.db, row, audit?.insert);
  if (audit) carriedWritten(deps, audit);
  context.binding.issued = issued.token;
}

/** The state as read, with what updateExperience's compare-and-set needs and how it is held. */
export interface Snapshot {
  state: ExperienceState;
  stored: unknown;
  binding: string | null;
  previousBinding: string | null;
  /** By the current binding, or by the one it was rotated from (read-only, see the header). */
  heldBy: 'current' | 'previous';
}

/** The row as a snapshot for this browser; throws Unbound when the cookie holds neither binding. */
function snapshotOf(deps: StoreDeps, context: InteractionContext, row: repo.ExperienceRow): Snapshot {
  const state = ExperienceState.parse(row.state);
  const held = (digest: string | null) => bindingMatches(deps.keyring, digest, context.binding.presented);
  const heldBy = held(row.binding) ? 'current' : held(row.previous_binding) ? 'previous' : null;
  if (!heldBy) throw new Unbound(state.interactionEvent);
  return { state, stored: row.state, binding: row.binding, previousBinding: row.previous_binding, heldBy };
}

/** The write that stores `next` (null: delete) on `held`, rotating the binding when `next` is the
 *  first identified state; throws Unbound when only the previous binding is held and `next` differs. */
function writeOf(deps: StoreDeps, held: Snapshot, next: ExperienceState | null): { write: repo.ExperienceWrite | null; issued?: IssuedBinding } {
  if (held.heldBy === 'previous' && !isDeepStrictEqual(next, held.state)) throw new Unbound(held.state.interactionEvent);
  if (next === null) return { write: null };
  if (next.userId && !held.state.userId) {
    const issued = issueBinding(deps.keyring);
    return { write: { state: next, binding: issued.digest, previous_binding: held.binding }, issued };
  }
  return { write: { state: next, binding: held.binding, previous_binding: held.previousBinding } };
}

/** The row read with the interaction when this request has not used it yet, else a fresh read. */
async function readSnapshot(deps: StoreDeps, context: InteractionContext): Promise<Snapshot> {
  const read = context.read?.experience;
  if (context.read) context.read.experience = undefined;
  const row = read !== undefined ? read : await repo.findExperience(deps.db, context.uid, deps.clock.now());
  if (!row) throw new LogtoError('session.interaction_not_found');
  return snapshotOf(deps, context, row);
}

export function loadSnapshot(deps: StoreDeps, context: InteractionContext): Promise<Snapshot> {
  return auditingUnbound(deps, context, () => readSnapshot(deps, context));
}

export async function loadExperience(deps: StoreDeps, context: InteractionContext): Promise<ExperienceState> {
  return (await loadSnapshot(deps, context)).state;
}

const MAX_RETRIES = 8;

/**
 * Applies the pure `change` to the snapshot and stores it if nobody changed the state or binding
 * since; otherwise re-reads and re-applies. `change` may throw a LogtoError to refuse (e.g. a record
 * that was replaced meanwhile). Throws session.interaction_not_found when the state is gone or no
 * longer this browser's. The audit row, when given, is written by the statement that stores the
 * change (not by one that lost the compare-and-set), and only then marked written.
 */
export function updateExperience(
  deps: StoreDeps,
  context: InteractionContext,
  snapshot: Snapshot,
  change: (state: ExperienceState) => ExperienceState,
  audit?: CarriedAudit,
): Promise<void> {
  return auditingUnbound(deps, context, async () => {
    let current = snapshot;
    for (let attempt = 0; attempt < MAX_RETRIES; attempt += 1) {
      const { write, issued } = writeOf(deps, current, change(current.state));
      if (await repo.replaceExperience(deps.db, context.uid, { state: current.stored, binding: current.binding }, write!, audit?.insert)) {
        if (audit) carriedWritten(deps, audit);
        if (issued) context.binding.issued = issued.token;
        return;
      }
      current = await readSnapshot(deps, context);
    }
    // Only a storm of concurrent requests on one interaction gets here; the row lock settles it.
    await lockedChange(deps, context, (state) => ({ state: change(state) }));
  });
}

/**
 * updateExperience behind a gate (repo.Gate): one statement runs the gate and, when it passes,
 * stores the change with the audit row. Answers the gate's row: not ok → nothing stored (the caller
 * refuses); ok but the state changed meanwhile → the change is applied to the state as it is now
 * (updateExperience), the gate's own writes standing.
 */
export function updateExperienceGated(
  deps: StoreDeps,
  context: InteractionContext,
  snapshot: Snapshot,
  change: (state: ExperienceState) => ExperienceState,
  gate: repo.Gate,
  audit?: CarriedAudit,
): Promise<{ ok: boolean } & Record<string, unknown>> {
  return auditingUnbound(deps, context, async () => {
    const { write, issued } = writeOf(deps, snapshot, change(snapshot.state));
    const expected = { state: snapshot.stored, binding: snapshot.binding };
    const outcome = await repo.replaceExperienceGated(deps.db, context.uid, expected, write!, gate, audit?.insert);
    if (outcome.stored) {
      if (audit) carriedWritten(deps, audit);
      if (issued) context.binding.issued = issued.token;
    } else if (outcome.gate.ok) await updateExperience(deps, context, snapshot, change, audit);
    return outcome.gate;
  });
}

/**
 * Submit's change on the snapshot: removes the state, and with it (same statement) updates the
 * user (`userChange`, see repo.deleteExperienceWithUser). Only the current binding may, as with any
 * change. Undefined when another request changed the state first: the caller then takes the locked
 * path (changeExperience), which reads it again. Else the user as updated (null: gone) and the
 * binding the interaction was held by.
 */
export function removeExperience<U>(
  deps: StoreDeps,
  context: InteractionContext,
  snapshot: Snapshot,
  userChange: { sql: string; params: unknown[] },
): Promise<{ user: U | null; binding: string } | undefined> {
  return auditingUnbound(deps, context, async () => {
    writeOf(deps, snapshot, null);
    const user = await repo.deleteExperienceWithUser<U>(deps.db, context.uid, { state: snapshot.stored, binding: snapshot.binding }, userChange);
    return user === undefined ? undefined : { user, binding: snapshot.binding! };
  });
}

/** What a locked change sees besides the state: the query handle of its transaction and the
 *  digest of the binding the interaction is held by (submit carries it onto the provider). */
export type LockedChange<T> = (
  state: ExperienceState,
  q: Queryable,
  binding: string,
) => Promise<{ state: ExperienceState | null; result?: T }> | { state: ExperienceState | null; result?: T };

/** Runs `change` on the locked current state and stores what it returns; `null` deletes the state. */
export function changeExperience<T = void>(deps: StoreDeps, context: InteractionContext, change: LockedChange<T>): Promise<T> {
  return auditingUnbound(deps, context, () => lockedChange(deps, context, change));
}

async function lockedChange<T>(deps: StoreDeps, context: InteractionContext, change: LockedChange<T>): Promise<T> {
  const { result, issued } = await deps.db.tx(async (q) => {
    const row = await repo.findExperience(q, context.uid, deps.clock.now(), true);
    if (!row) throw new LogtoError('session.interaction_not_found');
    const held = snapshotOf(deps, context, row);
    const outcome = await change(held.state, q, (held.heldBy === 'current' ? held.binding : held.previousBinding)!);
    const { write, issued } = writeOf(deps, held, outcome.state);
    if (write === null) await repo.deleteExperience(q, context.uid);
    else await repo.saveExperience(q, context.uid, write);
    return { result: outcome.result as T, issued };
  });
  if (issued) context.binding.issued = issued.token;
  return result;
}

/** A request that does not hold the interaction's binding: answered as if there were no state. */
class Unbound extends LogtoError {
  constructor(readonly event: InteractionEvent) {
    super('session.interaction_not_found');
  }
}

/** Records a refused binding in the audit log (outside any transaction) and rethrows. */
async function auditingUnbound<T>(deps: StoreDeps, context: InteractionContext, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Unbound) await auditUnbound(deps, context, error.event);
    throw error;
  }
}
