// The code step of registration: E8, then the password when the sign-up asks for one, else E3 with
// the code's record (the user is created) and E4. A new code is a new E7 record.
import type { Identifier } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { CodeScreen } from '../../components/CodeForm.tsx';

export function RegisterCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  return (
    <CodeScreen
      identifier={screen.identifier}
      verificationId={screen.verificationId}
      event="Register"
      onVerified={async (verificationId) => {
        if (app.settings.signUp.password) app.go({ name: 'register-password', verificationId });
        else await identifyAndFinish(app, { verificationId });
      }}
    >
      <button type="button" class="link" onClick={() => app.go({ name: 'register' })}>
        {app.t('profile.change')}
      </button>
    </CodeScreen>
  );
}
