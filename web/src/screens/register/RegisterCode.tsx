// The code step of registration: E8, then the password when the sign-up asks for one, else E3 with
// the code's record (the user is created) and E4. A new code is a new E7 record.
import { useState } from 'preact/hooks';
import { sendCode, verifyCode, type Identifier } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { CodeForm } from '../../components/CodeForm.tsx';

export function RegisterCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  const [verificationId, setVerificationId] = useState(screen.verificationId);
  return (
    <>
      <h1>{app.t('code.title')}</h1>
      <CodeForm
        identifier={screen.identifier}
        onVerify={async (code) => {
          await verifyCode(screen.identifier, verificationId, code);
          if (app.settings.signUp.password) app.go({ name: 'register-password', verificationId });
          else await identifyAndFinish(app, { verificationId });
        }}
        onResend={async () => setVerificationId((await sendCode(screen.identifier, 'Register')).verificationId)}
      />
      <button type="button" class="link" onClick={() => app.go({ name: 'register' })}>
        {app.t('profile.change')}
      </button>
    </>
  );
}
