// Owns what the MFA screens share: each factor's name and "use this instead" phrase, and the passkey
// ceremony's failures as messages (a cancelled prompt is the person's choice, not a server error).
import type { MfaFactor } from '../../api/experience.ts';
import { phraseError } from '../../components/Form.tsx';
import type { PhraseKey } from '../../i18n/index.ts';
import { PasskeyCancelled, passkeysSupported } from '../../app/webauthn.ts';

export const FACTOR_NAME: Record<MfaFactor, PhraseKey> = {
  Totp: 'mfa.factor_totp',
  WebAuthn: 'mfa.factor_webauthn',
  BackupCode: 'mfa.factor_backup_code',
};

export const FACTOR_HINT: Record<MfaFactor, PhraseKey> = {
  Totp: 'mfa.factor_totp_hint',
  WebAuthn: 'mfa.factor_webauthn_hint',
  BackupCode: 'mfa.factor_backup_code_hint',
};

export const USE_INSTEAD: Record<MfaFactor, PhraseKey> = {
  Totp: 'mfa.use_totp',
  WebAuthn: 'mfa.use_webauthn',
  BackupCode: 'mfa.use_backup_code',
};

/** Runs a passkey ceremony; a cancelled or refused prompt and a browser without passkeys become phrases. */
export async function withPasskey<T>(run: () => Promise<T>): Promise<T> {
  if (!passkeysSupported()) throw phraseError('mfa.passkey_unsupported');
  try {
    return await run();
  } catch (error) {
    if (error instanceof PasskeyCancelled) throw phraseError('mfa.passkey_cancelled');
    throw error;
  }
}
