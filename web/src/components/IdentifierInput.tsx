// An identifier field for the kinds a step accepts (registration, password reset, a missing email or
// phone): its label and input hints, and what was typed read as an identifier, or the field's error.
import { useState } from 'preact/hooks';
import type { Identifier, IdentifierType } from '../api/experience.ts';
import { identifierLabel, inputHints, isIdentifier, parseIdentifier } from '../app/identifier.ts';
import { useApp } from '../app/nav.ts';
import { Field } from './Field.tsx';
import { phraseError } from './Form.tsx';

/** The address being added or reset is the person's own email or phone (one token: axe refuses `username email`). */
const autocompleteOf = (types: readonly IdentifierType[]) =>
  types.length === 1 && types[0] === 'email' ? 'email' : types.length === 1 && types[0] === 'phone' ? 'tel' : 'username';

export function useIdentifierInput(types: readonly IdentifierType[]) {
  const { t } = useApp();
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const label = t(identifierLabel(types));
  return {
    field: (props: { autoFocus?: boolean }) => (
      <Field label={label} value={text} onInput={setText} name="identifier" error={error} {...inputHints(types)} autocomplete={autocompleteOf(types)} {...props} />
    ),
    /** The identifier typed; throws (and marks the field) when there is none. */
    read(): Identifier {
      setError(null);
      if (!text.trim()) {
        setError(t('field.invalid_identifier', { field: label.toLowerCase() }));
        throw phraseError('field.check_above');
      }
      const parsed = parseIdentifier(text, types);
      if (!isIdentifier(parsed)) {
        setError(t(parsed.problem));
        throw phraseError('field.check_above');
      }
      return parsed;
    },
  };
}
