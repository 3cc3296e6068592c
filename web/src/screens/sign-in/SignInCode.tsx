// The code step of sign-in: E8, then identify and finish; a new code is a new E7 record. Offers the
// password instead when the method allows one.
import { useState } from 'preact/hooks';
import { sendCode, verifyCode, type Identifier } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { CodeForm } from '../../components/CodeForm.tsx';
import { methodFor } from './methods.ts';

export function SignInCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  const { identifier } = screen;
  const [verificationId, setVerificationId] = useState(screen.verificationId);
  return (
    <>
      <h1>{app.t('code.title')}</h1>
      <CodeForm
        identifier={identifier}
        onVerify={async (code) => {
          await verifyCode(identifier, verificationId, code);
          await identifyAndFinish(app, { verificationId });
        }}
        onResend={async () => setVerificationId((await sendCode(identifier, 'SignIn')).verificationId)}
      />
      <div class="footer-links">
        {methodFor(app.settings, identifier)?.password ? (
          <button type="button" class="link" onClick={() => app.go({ name: 'password', identifier })}>
            {app.t('sign_in.use_password')}
          </button>
        ) : null}
        <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
          {app.t('sign_in.change_identifier')}
        </button>
      </div>
    </>
  );
}
