// Owns the new-password field everywhere a person chooses one (registration, password reset, profile):
// the rules of the sign-in experience's password policy as a checklist that says which are met while
// the person types (one polite summary announces a change of the count, never each keystroke), and the
// server's `password.rejected` answer shown as its reasons in words (data = [{code, interpolation?}],
// src/domain/sign-in-experience/password-check.ts), tied to the field as its error.
import { useId, useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { Settings } from '../api/settings.ts';
import { useApp } from '../app/nav.ts';
import type { PhraseKey, Translate } from '../i18n/index.ts';
import { PasswordField } from './Field.tsx';
import { phraseError } from './Form.tsx';

export interface PasswordIssue {
  code: string;
  interpolation?: Record<string, unknown>;
}

/** The same symbols as the server's PASSWORD_SYMBOLS: printable ASCII, neither letter, digit nor space. */
const SYMBOLS = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

/** How many of the four kinds (lowercase, uppercase, digits, symbols) `password` uses. */
export function characterKinds(password: string): number {
  const kinds = new Set<string>();
  for (const char of password) {
    if (char >= 'a' && char <= 'z') kinds.add('lower');
    else if (char >= 'A' && char <= 'Z') kinds.add('upper');
    else if (char >= '0' && char <= '9') kinds.add('digit');
    else if (SYMBOLS.includes(char)) kinds.add('symbol');
  }
  return kinds.size;
}

interface Rule {
  label: string;
  met: boolean;
}

/** The rules of `policy` a person can see being met while typing (the rejects are the server's to judge). */
export function policyRules(policy: Settings['passwordPolicy'], password: string, t: Translate): Rule[] {
  const { min, max } = policy.length;
  // Lengths count UTF-16 units, as the server's check does.
  const rules: Rule[] = [{ label: t('password.rule_length', { min, max }), met: password.length >= min && password.length <= max }];
  if (policy.characterTypes.min > 1) {
    rules.push({ label: t('password.rule_types', { min: policy.characterTypes.min }), met: characterKinds(password) >= policy.characterTypes.min });
  }
  return rules;
}

/** The issues of a `password.rejected` answer, or null for any other failure. */
export function passwordIssuesOf(error: unknown): PasswordIssue[] | null {
  if (!(error instanceof ApiError) || error.code !== 'password.rejected') return null;
  return Array.isArray(error.data)
    ? error.data.filter((issue): issue is PasswordIssue => typeof (issue as PasswordIssue | null)?.code === 'string')
    : [];
}

const REASONS: Record<string, PhraseKey> = {
  too_short: 'password.reason.too_short',
  too_long: 'password.reason.too_long',
  character_types: 'password.reason.character_types',
  unsupported_characters: 'password.reason.unsupported_characters',
  pwned: 'password.reason.pwned',
  'restricted.repetition': 'password.reason.repetition',
  'restricted.sequence': 'password.reason.sequence',
  'restricted.user_info': 'password.reason.user_info',
  'restricted.words': 'password.reason.words',
};

/** One sentence per issue, in the person's language (an unknown reason reads as the generic refusal). */
export function reasonsInWords(issues: readonly PasswordIssue[], t: Translate): string {
  if (issues.length === 0) return t('error.password.rejected');
  return issues
    .map(({ code, interpolation = {} }) => {
      const key = REASONS[code.replace(/^password_rejected\./, '')];
      if (!key) return t('error.password.rejected');
      const values: Record<string, string | number> = {};
      for (const [name, value] of Object.entries(interpolation)) values[name] = Array.isArray(value) ? value.join(', ') : String(value);
      return t(key, values);
    })
    .join(' ');
}

/**
 * A new password's field, its checklist and its refusal. `run(password)` makes the call that sets
 * the password; a `password.rejected` answer becomes the field's error and the form says to check it.
 */
export function useNewPassword() {
  const [password, setPassword] = useState('');
  const [rejected, setRejected] = useState<PasswordIssue[] | null>(null);
  return {
    password,
    field: (props: { autoFocus?: boolean; label?: string }) => (
      <NewPasswordField
        {...props}
        password={password}
        rejected={rejected}
        onInput={(value) => {
          setPassword(value);
          setRejected(null);
        }}
      />
    ),
    async run(call: (password: string) => Promise<unknown>): Promise<void> {
      setRejected(null);
      if (!password) throw phraseError('field.password_required');
      try {
        await call(password);
      } catch (error) {
        const issues = passwordIssuesOf(error);
        if (!issues) throw error;
        setRejected(issues);
        throw phraseError('password.rejected_check');
      }
    },
  };
}

export function NewPasswordField({
  password,
  rejected,
  onInput,
  autoFocus,
  label,
}: {
  password: string;
  rejected: PasswordIssue[] | null;
  onInput(value: string): void;
  autoFocus?: boolean;
  label?: string;
}) {
  const { t, settings } = useApp();
  const id = useId();
  const rules = policyRules(settings.passwordPolicy, password, t);
  const met = rules.filter((rule) => rule.met).length;
  return (
    <div class="stack">
      <PasswordField
        label={label ?? t('password.new')}
        value={password}
        onInput={onInput}
        name="new-password"
        newPassword
        autoFocus={autoFocus}
        error={rejected ? reasonsInWords(rejected, t) : null}
      />
      <p class="hint" id={`${id}-rules`}>
        {t('password.rules_title')}
      </p>
      <ul class="checks" aria-labelledby={`${id}-rules`}>
        {rules.map((rule) => (
          <li key={rule.label} class={rule.met ? 'met' : 'unmet'}>
            <span aria-hidden="true">{rule.met ? '✓ ' : '○ '}</span>
            {rule.label} <span>({t(rule.met ? 'password.rule_met' : 'password.rule_unmet')})</span>
          </li>
        ))}
      </ul>
      {/* Changes only when a rule flips, so a screen reader hears progress, not every keystroke. */}
      <p class="hint" aria-live="polite">
        {password ? (met === rules.length ? t('password.all_met') : t('password.some_met', { met, total: rules.length })) : ''}
      </p>
    </div>
  );
}
