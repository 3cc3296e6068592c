// A labelled input with its hint and error tied to it (aria-describedby, aria-invalid), and a
// password input with a show/hide toggle that keeps the typed text in the input only.
import { useId, useState } from 'preact/hooks';
import { useApp } from '../app/nav.ts';

export interface FieldProps {
  label: string;
  value: string;
  onInput(value: string): void;
  type?: string;
  name?: string;
  autocomplete?: string;
  inputMode?: string;
  hint?: string;
  error?: string | null;
  autoFocus?: boolean;
  maxLength?: number;
}

export function Field({ label, value, onInput, type = 'text', name, autocomplete, inputMode, hint, error, autoFocus, maxLength }: FieldProps) {
  const id = useId();
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        name={name}
        type={type as never}
        value={value}
        autoComplete={autocomplete}
        inputMode={inputMode as never}
        autoFocus={autoFocus}
        maxLength={maxLength}
        spellcheck={false}
        autoCapitalize="off"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={described || undefined}
        onInput={(event) => onInput((event.currentTarget as HTMLInputElement).value)}
      />
      {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
    </div>
  );
}

export function PasswordField(props: Omit<FieldProps, 'type'> & { newPassword?: boolean }) {
  const { t } = useApp();
  const [visible, setVisible] = useState(false);
  return (
    <div class="password-field">
      <Field {...props} type={visible ? 'text' : 'password'} autocomplete={props.newPassword ? 'new-password' : 'current-password'} />
      <button type="button" class="link toggle" aria-pressed={visible} onClick={() => setVisible(!visible)}>
        {visible ? t('common.hide_password') : t('common.show_password')}
      </button>
    </div>
  );
}
