// The code step of sign-in: E8, then identify and finish; a new code is a new E7 record. Offers the
// password instead when the method allows one.
import type { Identifier } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { CodeScreen } from '../../components/CodeForm.tsx';
import { methodFor } from './methods.ts';

export function SignInCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  const { identifier } = screen;
  return (
    <CodeScreen
      identifier={identifier}
      verificationId={screen.verificationId}
      event="SignIn"
      onVerified={(verificationId) => identifyAndFinish(app, { verificationId }).then(() => undefined)}
    >
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
    </CodeScreen>
  );
}
