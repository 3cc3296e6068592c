// One step a person starts (a form's submit, a button): it runs with the control disabled, a step the
// server asks for next moves to its screen (app/flow.ts nextStepOf), and any other failure is kept in
// words for the screen's aria-live region. A step resolving `true` is leaving the page (to a provider or
// the application), so it stays busy.
import { useState } from 'preact/hooks';
import { nextStepOf } from '../app/flow.ts';
import { useApp } from '../app/nav.ts';
import { useErrorMessage } from './Form.tsx';

export function useAction(describe?: (error: unknown) => string) {
  const app = useApp();
  const standard = useErrorMessage();
  const message = describe ?? standard;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = async (step: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      if ((await step()) === true) return;
    } catch (caught) {
      const next = nextStepOf(caught);
      if (next) app.go(next);
      else setError(message(caught));
    }
    setBusy(false);
  };
  return { busy, error, run };
}
