// The MFA step of sign-in (403 session.mfa.require_mfa_verification): one of the user's factors at a
// time — the first the server lists — with a way to switch to each other one. TOTP: E14 without a
// verificationId; passkey: E17, the browser's prompt, E18; backup code: E20. Then finish (app/flow.ts).
import { useState } from 'preact/hooks';
import { verifyBackupCode, verifyTotp, verifyWebAuthnAuthentication, webAuthnAuthentication, type MfaFactor } from '../../api/experience.ts';
import { finish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { getPasskey } from '../../app/webauthn.ts';
import { Field } from '../../components/Field.tsx';
import { Form, phraseError } from '../../components/Form.tsx';
import { USE_INSTEAD, withPasskey } from './factors.ts';
import { useFocusHeading } from './useFocusHeading.ts';

const PROMPT: Record<MfaFactor, 'mfa.verify_totp' | 'mfa.verify_webauthn' | 'mfa.verify_backup_code'> = {
  Totp: 'mfa.verify_totp',
  WebAuthn: 'mfa.verify_webauthn',
  BackupCode: 'mfa.verify_backup_code',
};

function CodeVerify({ factor }: { factor: 'Totp' | 'BackupCode' }) {
  const app = useApp();
  const [code, setCode] = useState('');
  const totp = factor === 'Totp';
  return (
    <Form
      submitLabel="code.submit"
      onSubmit={async () => {
        const value = code.replace(/\s+/g, '');
        if (!value) throw phraseError(totp ? 'mfa.totp_code_required' : 'mfa.backup_code_required');
        if (totp) await verifyTotp(value);
        else await verifyBackupCode(value);
        await finish(app);
      }}
    >
      <Field
        label={app.t(totp ? 'mfa.totp_code' : 'mfa.backup_code')}
        value={code}
        onInput={setCode}
        name={totp ? 'totp' : 'backup-code'}
        autocomplete={totp ? 'one-time-code' : 'off'}
        inputMode={totp ? 'numeric' : 'text'}
        maxLength={totp ? 6 : 10}
        autoFocus
      />
    </Form>
  );
}

function PasskeyVerify() {
  const app = useApp();
  return (
    <Form
      submitLabel="mfa.use_passkey"
      onSubmit={async () => {
        const { verificationId, authenticationOptions } = await webAuthnAuthentication();
        const payload = await withPasskey(() => getPasskey(authenticationOptions));
        await verifyWebAuthnAuthentication(verificationId, payload);
        await finish(app);
      }}
    />
  );
}

export function MfaVerify({ screen }: { screen: { factors: MfaFactor[] } }) {
  const { t } = useApp();
  const [factor, setFactor] = useState<MfaFactor | undefined>(screen.factors[0]);
  const ref = useFocusHeading(factor);
  return (
    <div ref={ref}>
      <h1>{t('mfa.verify_title')}</h1>
      {factor ? (
        <>
          <p class="muted">{t(PROMPT[factor])}</p>
          {factor === 'WebAuthn' ? <PasskeyVerify /> : <CodeVerify key={factor} factor={factor} />}
        </>
      ) : (
        <p class="error">{t('error.unknown')}</p>
      )}
      {screen.factors.length > 1 ? (
        <div class="footer-links">
          {screen.factors
            .filter((other) => other !== factor)
            .map((other) => (
              <button key={other} type="button" class="link" onClick={() => setFactor(other)}>
                {t(USE_INSTEAD[other])}
              </button>
            ))}
        </div>
      ) : null}
    </div>
  );
}
