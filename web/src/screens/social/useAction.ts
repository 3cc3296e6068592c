// One button-driven step of the federated screens (a social button, "link", "create"): runs with the
// others disabled, moves to the screen a server answer asks for (app/flow.ts nextStepOf), and otherwise
// keeps the failure in words for an aria-live region.
import { useState } from 'preact/hooks';
import { nextStepOf } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { useErrorMessage } from '../../components/Form.tsx';
import { federatedPhrase } from './messages.ts';

export function useFederatedMessage() {
  const { t } = useApp();
  const message = useErrorMessage();
  return (error: unknown): string => {
    const phrase = federatedPhrase(error);
    return phrase ? t(phrase) : message(error);
  };
}

export function useAction() {
  const app = useApp();
  const message = useFederatedMessage();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** A step resolving true is leaving the page (to a provider or the application): it stays busy. */
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
