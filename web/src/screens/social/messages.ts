// The words for what can go wrong in a social or SSO sign-in: the error catalogue's message when it
// has one for the code, else this area's phrases for the codes only federated sign-in meets
// (an SSO-only email domain, a provider that refused or failed, a callback that cannot be matched).
import { ApiError } from '../../api/client.ts';
import { errorKey, type PhraseKey } from '../../i18n/index.ts';

/** The phrase for a federated-sign-in failure, or null to use the catalogue's (or the generic) message. */
export function federatedPhrase(error: unknown): PhraseKey | null {
  if (!(error instanceof ApiError) || errorKey(error.code) !== 'error.unknown') return null;
  const { code } = error;
  if (code === 'session.sso_enabled') return 'social.error_sso_enabled';
  if (code === 'session.verification_session_not_found' || code === 'session.connector_validation_session_not_found')
    return 'social.error_not_started_here';
  if (code.startsWith('connector.') || code === 'session.invalid_connector_id' || code === 'session.verification_failed')
    return 'social.error_provider';
  return null;
}

/** An email or phone number with most of it hidden (the account the person may link to). */
export function maskIdentifier(type: string, value: string): string {
  if (type === 'email') {
    const at = value.lastIndexOf('@');
    if (at < 1) return value;
    const local = value.slice(0, at);
    return `${local[0]}•••${value.slice(at)}`;
  }
  return value.length > 4 ? `${'•'.repeat(value.length - 4)}${value.slice(-4)}` : value;
}
