// Owns the pure consistency rules a PATCH of the sign-in experience must pass (Logto v1.22.0
// libraries/sign-in-experience). Each throws LogtoError sign_in_experiences.* (400).
import { LogtoError } from '../errors.ts';
import type { Mfa, SignIn, SignUp } from './schema.ts';

/** Fallback languages Logto v1.22.0 ships phrases for (phrases-experience builtInLanguages). */
export const builtInLanguages = [
  'ar', 'de', 'en', 'es', 'fr', 'it', 'ja', 'ko', 'pl-PL', 'pt-BR', 'pt-PT', 'ru', 'th', 'tr-TR', 'uk-UA', 'zh-CN', 'zh-HK', 'zh-TW',
];

/** Throws unsupported_default_language. */
export function validateLanguage(fallbackLanguage: string): void {
  if (!builtInLanguages.some((l) => l.toLowerCase() === fallbackLanguage.toLowerCase()))
    throw new LogtoError('sign_in_experiences.unsupported_default_language');
}

/** Email/phone sign-up needs a connector of that type and `verify`; username needs `password`.
 *  Throws enabled_connector_not_found, passwordless_requires_verify, username_requires_password. */
export function validateSignUp(signUp: SignUp, connectors: ReadonlySet<string>): void {
  for (const identifier of signUp.identifiers) {
    if (identifier === 'username') {
      if (!signUp.password) throw new LogtoError('sign_in_experiences.username_requires_password');
      continue;
    }
    if (!connectors.has(identifier === 'email' ? 'Email' : 'Sms'))
      throw new LogtoError('sign_in_experiences.enabled_connector_not_found');
    if (!signUp.verify) throw new LogtoError('sign_in_experiences.passwordless_requires_verify');
  }
}

/** Sign-in methods against the sign-up settings they must serve. Throws
 *  at_least_one_authentication_factor, miss_sign_up_identifier_in_sign_in,
 *  password_sign_in_must_be_enabled, code_sign_in_must_be_enabled. */
export function validateSignIn(signIn: SignIn, signUp: SignUp): void {
  if (signIn.methods.some((m) => !m.password && !m.verificationCode))
    throw new LogtoError('sign_in_experiences.at_least_one_authentication_factor');
  if (signUp.identifiers.some((id) => !signIn.methods.some((m) => m.identifier === id)))
    throw new LogtoError('sign_in_experiences.miss_sign_up_identifier_in_sign_in');
  if (signUp.password && signIn.methods.some((m) => !m.password))
    throw new LogtoError('sign_in_experiences.password_sign_in_must_be_enabled');
  if (signUp.verify && !signUp.password && signIn.methods.some((m) => m.identifier !== 'username' && !m.verificationCode))
    throw new LogtoError('sign_in_experiences.code_sign_in_must_be_enabled');
}

/** Throws duplicated_mfa_factors, backup_code_cannot_be_enabled_alone. */
export function validateMfa(mfa: Mfa): void {
  if (new Set(mfa.factors).size !== mfa.factors.length) throw new LogtoError('sign_in_experiences.duplicated_mfa_factors');
  if (mfa.factors.includes('BackupCode') && mfa.factors.length === 1)
    throw new LogtoError('sign_in_experiences.backup_code_cannot_be_enabled_alone');
}
