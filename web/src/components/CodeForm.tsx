// The verification-code step shared by sign-in, registration, password reset and profile fulfilment:
// the code field (one-time-code autofill) checked against the current record (E8), and "send a new
// code" — a new record (E7) — enabled once the server's minimum interval between two sends has passed,
// with the countdown shown (not announced every second; the new code's dispatch is).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { sendCode, verifyCode, type Identifier, type InteractionEvent } from '../api/experience.ts';
import { useApp } from '../app/nav.ts';
import { Field } from './Field.tsx';
import { Form, phraseError, useErrorMessage } from './Form.tsx';

export interface CodeFormProps {
  identifier: Identifier;
  /** The record of the code already sent (E7). */
  verificationId: string;
  /** The event a new code is sent for (it picks the message's template). */
  event: InteractionEvent;
  /** Goes on with the verified record; throws to show an error. */
  onVerified(verificationId: string): Promise<void>;
}

export function useCountdown(seconds: number): [number, () => void] {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) return;
    const timer = setTimeout(() => setLeft(left - 1), 1000);
    return () => clearTimeout(timer);
  }, [left]);
  return [left, () => setLeft(seconds)];
}

export function CodeForm({ identifier, verificationId: first, event, onVerified }: CodeFormProps) {
  const [verificationId, setVerificationId] = useState(first);
  const onVerify = async (code: string) => {
    await verifyCode(identifier, verificationId, code);
    await onVerified(verificationId);
  };
  const onResend = async () => setVerificationId((await sendCode(identifier, event)).verificationId);
  const { t, settings } = useApp();
  const message = useErrorMessage();
  const [code, setCode] = useState('');
  const [left, restart] = useCountdown(settings.verificationCode.resendIntervalSeconds);
  const [status, setStatus] = useState<string | null>(null);
  const [resendError, setResendError] = useState<string | null>(null);
  return (
    <>
      <p>{t('code.sent_to', { identifier: identifier.value })}</p>
      <Form
        submitLabel="code.submit"
        error={resendError}
        onSubmit={async () => {
          setResendError(null);
          if (!code.trim()) throw phraseError('field.code_required');
          await onVerify(code.trim());
        }}
        footer={
          <>
            <button
              type="button"
              class="link"
              disabled={left > 0}
              onClick={async () => {
                setStatus(null);
                setResendError(null);
                try {
                  await onResend();
                  restart();
                  setStatus(t('code.resent'));
                } catch (error) {
                  setResendError(message(error));
                }
              }}
            >
              {t('code.resend')}
            </button>
            {left > 0 ? <p class="hint">{t('code.resend_in', { seconds: left })}</p> : null}
            <p class="hint" aria-live="polite">
              {status}
            </p>
          </>
        }
      >
        <Field
          label={t('field.code')}
          value={code}
          onInput={setCode}
          name="code"
          autocomplete="one-time-code"
          inputMode="numeric"
          autoFocus
          maxLength={12}
        />
      </Form>
    </>
  );
}

/** A screen that is only a code step: its title, the code form, then the screen's own links. */
export function CodeScreen({ children, ...form }: CodeFormProps & { children?: ComponentChildren }) {
  const { t } = useApp();
  return (
    <>
      <h1>{t('code.title')}</h1>
      <CodeForm {...form} />
      {children}
    </>
  );
}
