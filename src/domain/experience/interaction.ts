// Use cases E1 (PUT /api/experience: start over with an event) and E2 (PUT …/interaction-event:
// switch SignIn ⇄ Register, keeping records and the identified user, dropping the staged profile).
// Throws LogtoError session.interaction_not_found (404), session.not_supported_for_forgot_password
// (400), auth.forbidden (403: the target event is disabled by the sign-in mode).
import { getSignInExperience } from '../sign-in-experience/index.ts';
import { LogtoError } from '../errors.ts';
import type { InteractionEvent } from '../verification/types.ts';
import { audited } from './audit.ts';
import type { ExperienceDeps } from './deps.ts';
import { changeExperience, initExperience, type InteractionContext } from './store.ts';

export async function startExperience(deps: ExperienceDeps, context: InteractionContext, event: InteractionEvent): Promise<void> {
  await audited(deps, context, { key: 'Interaction.Create', method: event }, (carry) => initExperience(deps, context, event, carry()));
}

/** Whether the sign-in mode allows the event (ForgotPassword always). */
export function eventAllowed(mode: 'SignIn' | 'Register' | 'SignInAndRegister', event: InteractionEvent): boolean {
  if (event === 'SignIn') return mode !== 'Register';
  if (event === 'Register') return mode !== 'SignIn';
  return true;
}

export async function switchExperienceEvent(deps: ExperienceDeps, context: InteractionContext, event: InteractionEvent): Promise<void> {
  const { signInMode } = await getSignInExperience(deps.db);
  await changeExperience(deps, context, (state) => {
    // As Logto: the target's mode first (even when it is the current event), then ForgotPassword
    // (which never switches, not even to itself), and only a real switch clears the profile.
    if (!eventAllowed(signInMode, event)) throw new LogtoError('auth.forbidden');
    if (state.interactionEvent === 'ForgotPassword' || event === 'ForgotPassword')
      throw new LogtoError('session.not_supported_for_forgot_password');
    if (state.interactionEvent === event) return { state };
    return { state: { ...state, interactionEvent: event, profile: {} } };
  });
}
