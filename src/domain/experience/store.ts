// Owns loading and changing an interaction's experience state in the database. Reads take a
// snapshot. A change of the state alone is one compare-and-set statement against the snapshot it
// was computed from; when another request of the interaction changed the state first, the change
// is computed again on the fresh state (it is a pure function, so re-running it is safe). A change
// that also writes elsewhere (creating the user, submit) runs in a transaction holding the row
// (FOR UPDATE). Either way concurrent requests of one interaction apply in turn and each sees the
// previous one's result. Slow work (argon2, sending a code) happens before, on the snapshot.
// Throws LogtoError session.interaction_not_found (404) when the interaction has no state.
import { randomString } from '../../crypto/keyring.ts';
import type { Db, Queryable } from '../../storage/db.ts';
import * as repo from '../../storage/repos/experience.ts';
import type { Clock } from '../clock.ts';
import { LogtoError } from '../errors.ts';
import type { InteractionEvent } from '../verification/types.ts';
import { ExperienceState, initialState } from './state.ts';

export interface StoreDeps {
  db: Db;
  clock: Clock;
}

/** The OIDC interaction a request belongs to (from the provider's `_interaction` cookie). */
export interface InteractionContext {
  uid: string;
  applicationId: string | null;
  expiresAt: Date;
  ip: string | null;
  userAgent: string | null;
}

/** Verification record ids: 21 lowercase alphanumerics, as Logto's. */
export const newRecordId = () => randomString(21);

export async function initExperience(deps: StoreDeps, context: InteractionContext, event: InteractionEvent): Promise<void> {
  await repo.putExperience(deps.db, {
    uid: context.uid,
    application_id: context.applicationId,
    state: initialState(event),
    expires_at: context.expiresAt,
  });
}

/** The state as read, with the stored JSON it came from (for updateExperience's compare-and-set). */
export interface Snapshot {
  state: ExperienceState;
  stored: unknown;
}

export async function loadSnapshot(deps: StoreDeps, uid: string): Promise<Snapshot> {
  const row = await repo.findExperience(deps.db, uid, deps.clock.now());
  if (!row) throw new LogtoError('session.interaction_not_found');
  return { state: ExperienceState.parse(row.state), stored: row.state };
}

export async function loadExperience(deps: StoreDeps, uid: string): Promise<ExperienceState> {
  return (await loadSnapshot(deps, uid)).state;
}

const MAX_RETRIES = 8;

/**
 * Applies the pure `change` to the snapshot and stores it if nobody changed the state since;
 * otherwise re-reads and re-applies. `change` may throw a LogtoError to refuse (e.g. a record that
 * was replaced meanwhile). Throws session.interaction_not_found when the state is gone.
 */
export async function updateExperience(
  deps: StoreDeps,
  uid: string,
  snapshot: Snapshot,
  change: (state: ExperienceState) => ExperienceState,
): Promise<void> {
  let current = snapshot;
  for (let attempt = 0; attempt < MAX_RETRIES; attempt += 1) {
    if (await repo.replaceExperienceState(deps.db, uid, current.stored, change(current.state))) return;
    current = await loadSnapshot(deps, uid);
  }
  // Only a storm of concurrent requests on one interaction gets here; the row lock settles it.
  await changeExperience(deps, uid, (state) => ({ state: change(state) }));
}

/** Runs `change` on the locked current state and stores what it returns; `null` deletes the state. */
export async function changeExperience<T = void>(
  deps: StoreDeps,
  uid: string,
  change: (state: ExperienceState, q: Queryable) => Promise<{ state: ExperienceState | null; result?: T }> | { state: ExperienceState | null; result?: T },
): Promise<T> {
  return deps.db.tx(async (q) => {
    const row = await repo.findExperience(q, uid, deps.clock.now(), true);
    if (!row) throw new LogtoError('session.interaction_not_found');
    const { state, result } = await change(ExperienceState.parse(row.state), q);
    if (state === null) await repo.deleteExperience(q, uid);
    else await repo.saveExperienceState(q, uid, state);
    return result as T;
  });
}
