// Owns the sign-up requirements as pure rules: which profile fields the sign-in experience's
// `signUp` demands (Logto's missingProfile values) and which are absent from a user plus staged data.
import type { SignUp } from '../sign-in-experience/schema.ts';

export type MissingProfile = 'username' | 'email' | 'phone' | 'emailOrPhone' | 'password';

export interface ProfileFacts {
  username?: string | null | undefined;
  primaryEmail?: string | null | undefined;
  primaryPhone?: string | null | undefined;
  hasPassword: boolean;
}

/** The required fields `facts` lack; email and phone both listed means either one will do. */
export function missingProfile(signUp: SignUp, facts: ProfileFacts): MissingProfile[] {
  const missing: MissingProfile[] = [];
  const ids = new Set(signUp.identifiers);
  if (ids.has('username') && !facts.username) missing.push('username');
  if (ids.has('email') && ids.has('phone')) {
    if (!facts.primaryEmail && !facts.primaryPhone) missing.push('emailOrPhone');
  } else {
    if (ids.has('email') && !facts.primaryEmail) missing.push('email');
    if (ids.has('phone') && !facts.primaryPhone) missing.push('phone');
  }
  if (signUp.password && !facts.hasPassword) missing.push('password');
  return missing;
}
