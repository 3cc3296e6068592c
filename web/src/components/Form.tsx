// A form of the page: one submit handler that runs with the button disabled and its error announced
// (role=alert in an aria-live region) in the person's language; a step the server asks for moves to
// its screen instead (app/flow.ts).
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.ts';
import { useApp } from '../app/nav.ts';
import { useAction } from './useAction.ts';
import { errorKey, type PhraseKey } from '../i18n/index.ts';

export interface FormProps {
  /** Throws to show an error; a thrown ApiError is shown by its code's message. */
  onSubmit(): Promise<void>;
  submitLabel: PhraseKey;
  children?: ComponentChildren;
  /** Links and buttons under the submit button. */
  footer?: ComponentChildren;
  /** An error message the screen shows itself (e.g. a field check). */
  error?: string | null;
  id?: string;
}

/** The message a person reads for a failed call. */
export function useErrorMessage() {
  const { t } = useApp();
  return (error: unknown): string => {
    if (error instanceof ApiError) return t(errorKey(error.code), { code: error.code });
    if (error instanceof Error && error.message.startsWith('phrase:')) return t(error.message.slice(7) as PhraseKey);
    return t('error.unknown');
  };
}

/** An error whose message is a phrase of the catalogue (a check made on the page). */
export const phraseError = (key: PhraseKey) => new Error(`phrase:${key}`);

export function Form({ onSubmit, submitLabel, children, footer, error, id }: FormProps) {
  const app = useApp();
  const { busy, error: failure, run } = useAction();
  const shown = error ?? failure;
  return (
    <form
      id={id}
      noValidate
      aria-busy={busy}
      onSubmit={(event) => {
        event.preventDefault();
        void run(onSubmit);
      }}
    >
      <div class="alert" role="alert" aria-live="assertive">
        {shown ? <p class="error">{shown}</p> : null}
      </div>
      {children}
      <button class="primary" type="submit" disabled={busy}>
        {busy ? app.t('common.working') : app.t(submitLabel)}
      </button>
      {footer ? <div class="footer-links">{footer}</div> : null}
    </form>
  );
}
