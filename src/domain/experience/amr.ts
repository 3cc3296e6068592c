// Owns how the ID token says the user signed in (OIDC `amr`, RFC 8176 values): each verified
// record of this interaction that authenticated the identified user adds its values (password
// `pwd`, emailed code / TOTP / backup code `otp`, text-message code `sms`, passkey `hwk` or `swk`),
// and `mfa` is added when two distinct factors were proven. A factor counts once however often it
// was proven (one TOTP twice, one mailbox's code twice), so a code to the address the user signed
// in with never stands in for a second factor.
import { methodOf } from '../verification/index.ts';
import type { AuthenticatedUser, Authentication } from '../verification/types.ts';
import type { ExperienceState } from './state.ts';

export function authenticationsOf(state: ExperienceState, user: AuthenticatedUser): Authentication[] {
  const fromRecords = state.verificationRecords.flatMap((record) => methodOf(record).authentication?.(record, user) ?? []);
  return [...(state.registeredWith ?? []), ...fromRecords];
}

export function amrOf(state: ExperienceState, user: AuthenticatedUser): string[] {
  const proven = authenticationsOf(state, user);
  const amr = [...new Set(proven.flatMap((a) => a.amr))].sort();
  return new Set(proven.map((a) => a.factor)).size >= 2 ? [...amr, 'mfa'] : amr;
}
