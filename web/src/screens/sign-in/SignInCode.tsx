// The code step of sign-in: E8, then identify and finish; a new code is a new E7 record.
import { useState } from 'preact/hooks';
import { sendCode, verifyCode, type Identifier } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { CodeForm } from '../../components/CodeForm.tsx';

export function SignInCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  const [verificationId, setVerificationId] = useState(screen.verificationId);
  return (
    <>
      <h1>{app.t('code.title')}</h1>
      <CodeForm
        identifier={screen.identifier}
        onVerify={async (code) => {
          await verifyCode(screen.identifier, verificationId, code);
          await identifyAndFinish(app, { verificationId });
        }}
        onResend={async () => setVerificationId((await sendCode(screen.identifier, 'SignIn')).verificationId)}
      />
      <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
        {app.t('sign_in.change_identifier')}
      </button>
    </>
  );
}
