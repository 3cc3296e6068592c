// Owns reading what a person typed as an identifier: which kinds the settings allow, the field's label
// for them, and the typed text as a username, email or phone (E.164, `+` and digits).
import type { Identifier, IdentifierType } from '../api/experience.ts';
import type { PhraseKey } from '../i18n/index.ts';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const USERNAME = /^[A-Z_a-z]\w*$/;
const PHONE_CHARS = /^\+?[\d\s().-]{6,}$/;

/** The label for a field accepting `types` (in the settings' order, shown as username/email/phone). */
export function identifierLabel(types: readonly IdentifierType[]): PhraseKey {
  const has = (t: IdentifierType) => types.includes(t);
  if (has('username') && has('email') && has('phone')) return 'field.username_email_or_phone';
  if (has('username') && has('email')) return 'field.username_or_email';
  if (has('username') && has('phone')) return 'field.username_or_phone';
  if (has('email') && has('phone')) return 'field.email_or_phone';
  if (has('email')) return 'field.email';
  if (has('phone')) return 'field.phone';
  return 'field.username';
}

/** The HTML input type and autocomplete hint for a field accepting `types`. The hint is `username`
 *  whatever the kind: it is the token password managers pair with the password that follows (and one
 *  token only — a list such as `username email` is not valid autocomplete). */
export function inputHints(types: readonly IdentifierType[]): { type: string; autocomplete: string; inputMode?: string } {
  if (types.length === 1 && types[0] === 'email') return { type: 'email', autocomplete: 'username' };
  if (types.length === 1 && types[0] === 'phone') return { type: 'tel', autocomplete: 'username', inputMode: 'tel' };
  return { type: 'text', autocomplete: 'username' };
}

export const normalizePhone = (text: string) => `+${text.replace(/\D/g, '')}`;

/** The identifier `text` names among `types`, or the phrase saying why it names none. */
export function parseIdentifier(text: string, types: readonly IdentifierType[]): Identifier | { problem: PhraseKey } {
  const value = text.trim();
  if (value.includes('@') && types.includes('email')) return EMAIL.test(value) ? { type: 'email', value } : { problem: 'field.invalid_email' };
  if (types.includes('phone') && PHONE_CHARS.test(value) && (value.startsWith('+') || !types.includes('username') || /^\d/.test(value))) {
    const phone = normalizePhone(value);
    return phone.length >= 8 && phone.length <= 16 ? { type: 'phone', value: phone } : { problem: 'field.invalid_phone' };
  }
  if (types.includes('username')) return USERNAME.test(value) ? { type: 'username', value } : { problem: 'field.invalid_username' };
  if (types.includes('email')) return { problem: 'field.invalid_email' };
  return { problem: 'field.invalid_phone' };
}

export const isIdentifier = (value: Identifier | { problem: PhraseKey }): value is Identifier => 'type' in value;
