// The words for what can go wrong in a social or SSO sign-in: the error catalogue's message when it
// has one for the code, else this area's phrase for a provider that refused or failed (connector.*).
import { ApiError } from '../../api/client.ts';
import { errorKey, type PhraseKey } from '../../i18n/index.ts';

/** The phrase for a federated-sign-in failure, or null to use the catalogue's (or the generic) message. */
export function federatedPhrase(error: unknown): PhraseKey | null {
  if (!(error instanceof ApiError) || errorKey(error.code) !== 'error.unknown') return null;
  // (The other codes federated sign-in meets have a message in the catalogue.)
  return error.code.startsWith('connector.') ? 'social.error_provider' : null;
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
