// Owns the first call of a factor's setup (E13 TOTP secret, E19 backup codes): made once when the
// screen opens; a step the server asks for instead moves to its screen, another failure is a message.
import { useEffect, useState } from 'preact/hooks';
import { nextStepOf } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { useErrorMessage } from '../../components/Form.tsx';

export function useSetup<T>(start: () => Promise<T>): { value: T | null; error: string | null } {
  const app = useApp();
  const message = useErrorMessage();
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    start().then(
      (started) => live && setValue(started),
      (failure: unknown) => {
        if (!live) return;
        const next = nextStepOf(failure);
        if (next) app.go(next);
        else setError(message(failure));
      },
    );
    return () => {
      live = false;
    };
    // Once per screen: a new secret or a new set of codes each time would replace the one shown.
  }, []);
  return { value, error };
}
