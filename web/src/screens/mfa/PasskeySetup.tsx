// Setting up a passkey: E15's options to the browser's prompt (navigator.credentials.create), the new
// credential checked (E16), bound (E22) and the sign-in finished.
import { bindMfa, verifyWebAuthnRegistration, webAuthnRegistration } from '../../api/experience.ts';
import { finish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { createPasskey } from '../../app/webauthn.ts';
import { Form } from '../../components/Form.tsx';
import { withPasskey } from './factors.ts';

export function PasskeySetup() {
  const app = useApp();
  return (
    <>
      <h1>{app.t('mfa.webauthn_title')}</h1>
      <p>{app.t('mfa.webauthn_intro')}</p>
      <Form
        submitLabel="mfa.webauthn_create"
        onSubmit={async () => {
          const { verificationId, registrationOptions } = await webAuthnRegistration();
          const payload = await withPasskey(() => createPasskey(registrationOptions));
          await verifyWebAuthnRegistration(verificationId, payload);
          await bindMfa('WebAuthn', verificationId);
          await finish(app);
        }}
      />
    </>
  );
}
