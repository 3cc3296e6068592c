// Owns the new-password check: which rules of the effective PasswordPolicy a candidate password
// breaks, as Logto's `password_rejected.*` issues (the behaviour of core-kit PasswordPolicyChecker,
// written afresh). One deliberate difference: Logto's `pwned` asks the HaveIBeenPwned k-anonymity
// range API; Verity works offline and checks a bundled list of ~49,000 common passwords from the
// npm package @zxcvbn-ts/language-common, read once on first use.
//
// Rules, in the order issues are reported (lengths count UTF-16 units, as Logto's do):
// - too_short {min} / too_long {max}: length outside policy.length (at most one of the two).
// - unsupported_characters: a character outside a-z, A-Z, 0-9 and PASSWORD_SYMBOLS (so a space or
//   any non-ASCII letter or emoji); else character_types {min}: fewer kinds than characterTypes.min.
// - pwned: the password, lowercased, is in the list; or it is a listed word of 4+ characters
//   followed by digits and symbols only ("Dragon2024!"), the commonest mutation of a listed one.
// - restricted.*: phrases found anywhere in the password, ignoring case (A–Z only: exact for every
//   password that passes the character check):
//   repetition    a run of 3+ identical characters ("aaa");
//   sequence      3+ characters read forwards or backwards along one line of PASSWORD_SEQUENCES
//                 ("abc", "321", "qwe", "zaq", "lkj"); it never wraps ("890" and "yza" are not);
//   user_info     the username, the whole email and its local part, the phone digits and the national
//                 number inside them, the name, the name without spaces and each name word; any of
//                 these shorter than 3 characters (phone numbers: 4 digits) is skipped;
//   words {words} any policy word of 3+ characters; `words` lists the configured words found.
//   As in Logto, restricted issues are reported only when the phrases together cover nearly the
//   whole password: more than max(1, length − 3) characters, i.e. fewer than 3 characters are left
//   over. "aaa" inside "Tr7#aaaPqz" is tolerated; "aaaaaa1Z" is not.
// Logto throws when user info is required but not given; here a missing user simply matches nothing.
import { createRequire } from 'node:module';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { LogtoError } from '../errors.ts';
import { normalizePassword } from '../../crypto/passwords.ts';
import type { PasswordPolicy } from './password-policy.ts';

export type PasswordRejectionCode =
  | 'too_short'
  | 'too_long'
  | 'character_types'
  | 'unsupported_characters'
  | 'pwned'
  | 'restricted.repetition'
  | 'restricted.sequence'
  | 'restricted.user_info'
  | 'restricted.words';

export interface PasswordIssue {
  code: `password_rejected.${PasswordRejectionCode}`;
  interpolation?: Record<string, unknown>;
}

/** The user the password belongs to (or will): the fields user_info compares against. */
export interface PasswordUserInfo {
  username?: string | null;
  primaryEmail?: string | null;
  primaryPhone?: string | null;
  name?: string | null;
}

/** Logto's symbol set: the 32 printable ASCII characters that are neither letters, digits nor space. */
export const PASSWORD_SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** Lines read as sequences, each also backwards: digits, the alphabet, the three QWERTY letter rows
 *  and the diagonal QWERTY columns under each digit key (the same lines Logto uses). */
export const PASSWORD_SEQUENCES: readonly string[] = [
  '0123456789',
  'abcdefghijklmnopqrstuvwxyz',
  'qwertyuiop',
  'asdfghjkl',
  'zxcvbnm',
  ...['1qaz', '2wsx', '3edc', '4rfv', '5tgb', '6yhn', '7ujm', '8ik', '9ol'],
];

const MIN_RUN = 3;
const MIN_FRAGMENT = 3;
const MIN_PHONE_DIGITS = 4;
const MIN_COMMON_BASE = 4;
/** Restricted phrases are tolerated while at least this many characters lie outside them. */
const RESTRICTED_TOLERANCE = 3;

const bothWays = [...PASSWORD_SEQUENCES, ...PASSWORD_SEQUENCES.map((line) => [...line].reverse().join(''))];

/** Every policy violation of `password`, in the order above; empty when the password is acceptable. */
export function checkPassword(policy: PasswordPolicy, typed: string, user: PasswordUserInfo = {}): PasswordIssue[] {
  // Judged in the form it is hashed in (crypto/passwords.ts).
  const password = normalizePassword(typed);
  const issues: PasswordIssue[] = [];
  const { min, max } = policy.length;
  if (password.length < min) issues.push({ code: 'password_rejected.too_short', interpolation: { min } });
  else if (password.length > max) issues.push({ code: 'password_rejected.too_long', interpolation: { max } });

  const kinds = characterKinds(password);
  if (kinds === undefined) issues.push({ code: 'password_rejected.unsupported_characters' });
  else if (kinds < policy.characterTypes.min) {
    issues.push({ code: 'password_rejected.character_types', interpolation: { min: policy.characterTypes.min } });
  }

  if (policy.rejects.pwned && isCommonPassword(password)) issues.push({ code: 'password_rejected.pwned' });
  issues.push(...restrictedIssues(policy, password, user));
  return issues;
}

/**
 * Throws `password.rejected` (422, `data` = the issues) unless `password` satisfies the policy.
 */
export function assertPasswordAccepted(policy: PasswordPolicy, password: string, user?: PasswordUserInfo): void {
  const issues = checkPassword(policy, password, user);
  if (issues.length > 0) throw new LogtoError('password.rejected', issues);
}

/** How many of the four kinds occur; undefined when a character belongs to none of them. */
function characterKinds(password: string): number | undefined {
  const kinds = new Set<'lower' | 'upper' | 'digit' | 'symbol'>();
  for (const char of password) {
    if (char >= 'a' && char <= 'z') kinds.add('lower');
    else if (char >= 'A' && char <= 'Z') kinds.add('upper');
    else if (char >= '0' && char <= '9') kinds.add('digit');
    else if (PASSWORD_SYMBOLS.includes(char)) kinds.add('symbol');
    else return undefined;
  }
  return kinds.size;
}

/** Lowercases A–Z only, so indexes stay aligned with the original string. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

let commonPasswords: Set<string> | undefined;

/** The bundled list, loaded on first use (a few tens of milliseconds) and kept for the process. */
function commonPasswordList(): Set<string> {
  if (!commonPasswords) {
    const load = createRequire(import.meta.url);
    const { dictionary } = load('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    commonPasswords = new Set(dictionary['passwords-common'].map(asciiLower));
  }
  return commonPasswords;
}

function isCommonPassword(password: string): boolean {
  const list = commonPasswordList();
  const lower = asciiLower(password);
  if (list.has(lower)) return true;
  let end = lower.length;
  while (end > 0 && isDigitOrSymbol(lower[end - 1]!)) end -= 1;
  return end >= MIN_COMMON_BASE && end < lower.length && list.has(lower.slice(0, end));
}

function isDigitOrSymbol(char: string): boolean {
  return (char >= '0' && char <= '9') || PASSWORD_SYMBOLS.includes(char);
}

function restrictedIssues(policy: PasswordPolicy, password: string, user: PasswordUserInfo): PasswordIssue[] {
  const lower = asciiLower(password);
  const covered = new Uint8Array(lower.length);
  const mark = (start: number, end: number) => covered.fill(1, start, end);
  const issues: PasswordIssue[] = [];

  if (policy.rejects.repetitionAndSequence) {
    if (markRepetitions(lower, mark)) issues.push({ code: 'password_rejected.restricted.repetition' });
    if (markSequences(lower, mark)) issues.push({ code: 'password_rejected.restricted.sequence' });
  }
  if (policy.rejects.userInfo && markFragments(lower, userFragments(user), mark).length > 0) {
    issues.push({ code: 'password_rejected.restricted.user_info' });
  }
  const words = policy.rejects.words.filter((word) => word.length >= MIN_FRAGMENT);
  const found = markFragments(lower, words, mark);
  if (found.length > 0) issues.push({ code: 'password_rejected.restricted.words', interpolation: { words: found } });

  const coveredCount = covered.reduce((sum, bit) => sum + bit, 0);
  return coveredCount > Math.max(1, lower.length - RESTRICTED_TOLERANCE) ? issues : [];
}

type Mark = (start: number, end: number) => void;

/** Marks every run of MIN_RUN or more identical characters; true when there was one. */
function markRepetitions(lower: string, mark: Mark): boolean {
  let found = false;
  for (let start = 0; start < lower.length; ) {
    let end = start + 1;
    while (end < lower.length && lower[end] === lower[start]) end += 1;
    if (end - start >= MIN_RUN) {
      mark(start, end);
      found = true;
    }
    start = end;
  }
  return found;
}

/** From each position, marks the longest stretch lying along one sequence line (MIN_RUN or more). */
function markSequences(lower: string, mark: Mark): boolean {
  let found = false;
  for (let start = 0; start < lower.length; start += 1) {
    let end = start + 1;
    while (end < lower.length && bothWays.some((line) => line.includes(lower.slice(start, end + 1)))) end += 1;
    if (end - start >= MIN_RUN) {
      mark(start, end);
      found = true;
    }
  }
  return found;
}

/** Marks every occurrence of every fragment; returns the fragments found, as given, without repeats. */
function markFragments(lower: string, fragments: readonly string[], mark: Mark): string[] {
  const found = new Set<string>();
  for (const fragment of fragments) {
    const needle = asciiLower(fragment);
    for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + 1)) {
      mark(at, at + needle.length);
      found.add(fragment);
    }
  }
  return [...found];
}

function userFragments({ username, primaryEmail, primaryPhone, name }: PasswordUserInfo): string[] {
  const fragments: string[] = [];
  const add = (value: string | undefined, min = MIN_FRAGMENT) => {
    if (value !== undefined && value.length >= min) fragments.push(value);
  };
  if (username) add(username.trim());
  if (primaryEmail) {
    const email = primaryEmail.trim();
    add(email);
    if (email.includes('@')) add(email.slice(0, email.lastIndexOf('@')));
  }
  if (primaryPhone) {
    const digits = primaryPhone.replace(/\D/g, '');
    add(digits, MIN_PHONE_DIGITS);
    add(parsePhoneNumberFromString(`+${digits}`)?.nationalNumber, MIN_PHONE_DIGITS);
  }
  if (name) {
    add(name.trim());
    add(name.replace(/\s+/g, ''));
    for (const word of name.split(/\s+/)) add(word);
  }
  return fragments;
}
