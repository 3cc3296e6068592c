// What the social and SSO callback screens share: the provider's answer checked against what this tab
// started (app/federated.ts takePending: the record must exist and the state must match), the step
// run once while "Signing you in…" shows, and a failure in words with a way back to sign-in.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { takeCallbackQuery, takePending, type FederatedKind, type Pending } from '../../app/federated.ts';
import { nextStepOf } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { phraseError } from '../../components/Form.tsx';
import { useFederatedMessage } from './federated-message.ts';

/** The callback step: resolves true when the page is leaving, false when it moved to another screen. */
export type CallbackStep = (query: Record<string, string>, pending: Pending) => Promise<boolean>;

/** Refuses a callback this tab did not start, or one the provider answered with an error. */
function checked(kind: FederatedKind, connectorId: string, query: Record<string, string>): Pending {
  const pending = takePending(kind, connectorId);
  if (!pending || query.state !== pending.state) throw phraseError('social.error_not_started_here');
  if (query.error) throw phraseError('social.error_cancelled');
  return pending;
}

export function Callback({ kind, connectorId, step }: { kind: FederatedKind; connectorId: string; step: CallbackStep }) {
  const app = useApp();
  const { t } = app;
  const message = useFederatedMessage();
  const [failure, setFailure] = useState<string | null>(null);
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const query = takeCallbackQuery();
    (async () => step(query, checked(kind, connectorId, query)))().catch((error: unknown) => {
      const next = nextStepOf(error);
      if (next) app.go(next);
      else setFailure(message(error));
    });
  }, []);
  let body: ComponentChildren;
  if (failure)
    body = (
      <>
        <h1>{t('social.failed_title')}</h1>
        <div class="stack">
          <div class="alert" role="alert" aria-live="assertive">
            <p class="error">{failure}</p>
          </div>
          <button type="button" class="primary" onClick={() => app.go({ name: 'sign-in' })}>
            {t('social.back_to_sign_in')}
          </button>
        </div>
      </>
    );
  else
    body = (
      <>
        <h1>{t('social.callback_title')}</h1>
        <p role="status" aria-live="polite">
          {t('sign_in.signing_in')}
        </p>
      </>
    );
  return body;
}
