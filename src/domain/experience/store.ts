// Owns loading and changing an interaction's experience state in the database. Reads take a
// snapshot; every change runs inside a transaction holding the row (FOR UPDATE), so concurrent
// requests of one interaction apply in turn and each sees the previous one's result. Work that is
// slow or leaves the process (argon2, sending a code) happens before, on the snapshot; the change
// function re-checks what it relies on and uses only the transaction's handle.
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

export async function loadExperience(deps: StoreDeps, uid: string): Promise<ExperienceState> {
  const row = await repo.findExperience(deps.db, uid, deps.clock.now());
  if (!row) throw new LogtoError('session.interaction_not_found');
  return ExperienceState.parse(row.state);
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
