// The code step of password reset: E8, then E3 identifies the account the code was sent to, and the
// new-password screen follows. A new code is a new E7 record.
import { useState } from 'preact/hooks';
import { identify, sendCode, verifyCode, type Identifier } from '../../api/experience.ts';
import { useApp } from '../../app/nav.ts';
import { CodeForm } from '../../components/CodeForm.tsx';

export function ForgotPasswordCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  const [verificationId, setVerificationId] = useState(screen.verificationId);
  return (
    <>
      <h1>{app.t('code.title')}</h1>
      <CodeForm
        identifier={screen.identifier}
        onVerify={async (code) => {
          await verifyCode(screen.identifier, verificationId, code);
          await identify({ verificationId });
          app.go({ name: 'forgot-password-new', identifier: screen.identifier });
        }}
        onResend={async () => setVerificationId((await sendCode(screen.identifier, 'ForgotPassword')).verificationId)}
      />
      <button type="button" class="link" onClick={() => app.go({ name: 'forgot-password' })}>
        {app.t('profile.change')}
      </button>
    </>
  );
}
