// Use cases of the sign-in experience: read it (the API view and the effective settings the
// Experience API runs on) and update it. Throws LogtoError entity.not_exists_with_id (404) when
// the `default` row is missing, and the sign_in_experiences.* rule codes (rules.ts). Reads are
// cached in process until the row changes in any process (storage/cache.ts).
import { socialTargets } from '../connectors/social-rules.ts';
import { cached } from '../../storage/cache.ts';
import type { Db } from '../../storage/db.ts';
import { connectorTypes } from '../../storage/repos/connectors.ts';
import { findSignInExperienceRow, updateSignInExperienceRow } from '../../storage/repos/sign-in-experience.ts';
import { LogtoError } from '../errors.ts';
import { effectivePasswordPolicy, type PasswordPolicy } from './password-policy.ts';
import { validateLanguage, validateMfa, validateSignIn, validateSignUp } from './rules.ts';
import { SignInExperience, type SignInExperiencePatch } from './schema.ts';

export interface SignInExperienceDeps {
  db: Db;
}

export const DEFAULT_ID = 'default';

export type EffectiveSignInExperience = Omit<SignInExperience, 'passwordPolicy'> & { passwordPolicy: PasswordPolicy };

/** S1: the stored sign-in experience, as the API shows it. */
export async function findSignInExperience(deps: SignInExperienceDeps): Promise<SignInExperience> {
  return structuredClone(await storedSignInExperience(deps.db));
}

const TABLES = ['sign_in_experiences'];

async function storedSignInExperience(db: Db): Promise<SignInExperience> {
  return cached(db, 'sign-in-experience', TABLES, DEFAULT_ID, async () => {
    const row = await findSignInExperienceRow(db, DEFAULT_ID);
    if (!row) throw new LogtoError('entity.not_exists_with_id');
    return SignInExperience.parse(row);
  });
}

/** The settings the Experience API runs on: as stored, with the password policy's defaults filled.
 *  Shared by every caller until the row changes: read it, never modify it. */
export async function getSignInExperience(db: Db): Promise<EffectiveSignInExperience> {
  return cached(db, 'effective-sign-in-experience', TABLES, DEFAULT_ID, async () => {
    const stored = await storedSignInExperience(db);
    return { ...stored, passwordPolicy: effectivePasswordPolicy(stored.passwordPolicy) };
  });
}

/**
 * S2: checks the fields given, then writes each whole. `signIn` is checked against the body's
 * `signUp`, else the stored one; `signUp` sent alone is not cross-checked (Logto). Social targets
 * without a Social connector are dropped silently. The row is locked for the read-check-write.
 */
export async function updateSignInExperience(deps: SignInExperienceDeps, patch: SignInExperiencePatch): Promise<SignInExperience> {
  await deps.db.tx(async (q) => {
    const row = await findSignInExperienceRow(q, DEFAULT_ID, true);
    if (!row) throw new LogtoError('entity.not_exists_with_id');
    const stored = SignInExperience.parse(row);
    const connectors = await connectorTypes(q);
    if (patch.languageInfo) validateLanguage(patch.languageInfo.fallbackLanguage);
    if (patch.signUp) validateSignUp(patch.signUp, connectors);
    if (patch.signIn) validateSignIn(patch.signIn, patch.signUp ?? stored.signUp);
    if (patch.mfa) validateMfa(patch.mfa);
    const write: SignInExperiencePatch = { ...patch };
    // A target is kept only when a Social connector serves it.
    if (patch.socialSignInConnectorTargets) {
      const served = await socialTargets(q);
      write.socialSignInConnectorTargets = patch.socialSignInConnectorTargets.filter((target) => served.has(target));
    }
    await updateSignInExperienceRow(q, DEFAULT_ID, write);
  });
  return findSignInExperience(deps);
}
