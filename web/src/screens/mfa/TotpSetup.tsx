// Setting up an authenticator app: E13's QR code (an image data URL) and its key as text for manual
// entry, then the app's code checked against the new secret (E14 with its verificationId), bound
// (E22) and the sign-in finished.
import { useState } from 'preact/hooks';
import { bindMfa, createTotpSecret, verifyTotp } from '../../api/experience.ts';
import { finish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { Field } from '../../components/Field.tsx';
import { Form, phraseError } from '../../components/Form.tsx';
import { useSetup } from './useSetup.ts';

export function TotpSetup() {
  const app = useApp();
  const { t } = app;
  const { value: secret, error } = useSetup(createTotpSecret);
  const [code, setCode] = useState('');
  return (
    <>
      <h1>{t('mfa.totp_title')}</h1>
      {secret ? (
        <>
          <p>{t('mfa.totp_scan')}</p>
          <img class="qr" src={secret.secretQrCode} alt={t('mfa.totp_qr_alt')} width={200} height={200} />
          <p class="muted">{t('mfa.totp_manual')}</p>
          <p>
            {/* In groups of four, as authenticator apps show and accept keys. */}
            <code class="secret">{secret.secret.replace(/(.{4})(?=.)/g, '$1 ')}</code>
          </p>
          <Form
            submitLabel="code.submit"
            onSubmit={async () => {
              const value = code.replace(/\s+/g, '');
              if (!value) throw phraseError('mfa.totp_code_required');
              await verifyTotp(value, secret.verificationId);
              await bindMfa('Totp', secret.verificationId);
              await finish(app);
            }}
          >
            <Field
              label={t('mfa.totp_code')}
              hint={t('mfa.totp_then')}
              value={code}
              onInput={setCode}
              name="totp"
              autocomplete="one-time-code"
              inputMode="numeric"
              maxLength={6}
            />
          </Form>
        </>
      ) : (
        <p role={error ? 'alert' : undefined} aria-live="polite" class={error ? 'error' : 'muted'}>
          {error ?? t('common.loading')}
        </p>
      )}
    </>
  );
}
