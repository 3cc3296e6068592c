// Owns what a verified enterprise SSO sign-in changes in an interaction's rules (experience-api.md,
// record use matrix): it stands for MFA verification, and submit skips the mandatory-profile and
// mandatory-MFA checks for the user it identified or created (the IdP's policy governs that user).
import { ENTERPRISE_SSO_FACTOR } from '../verification/enterprise-sso.ts';
import { authenticationsOf } from './amr.ts';
import type { ExperienceState } from './state.ts';

/** Whether this interaction holds a verified enterprise SSO sign-in of `userId`. */
export function ssoProven(state: ExperienceState, userId: string): boolean {
  const user = { id: userId, username: null, primary_email: null, primary_phone: null };
  return authenticationsOf(state, user).some((a) => a.factor === ENTERPRISE_SSO_FACTOR);
}
