// The code step of password reset: E8, then E3 identifies the account the code was sent to, and the
// new-password screen follows. A new code is a new E7 record.
import { identify, type Identifier } from '../../api/experience.ts';
import { useApp } from '../../app/nav.ts';
import { CodeScreen } from '../../components/CodeForm.tsx';

export function ForgotPasswordCode({ screen }: { screen: { identifier: Identifier; verificationId: string } }) {
  const app = useApp();
  return (
    <CodeScreen
      identifier={screen.identifier}
      verificationId={screen.verificationId}
      event="ForgotPassword"
      onVerified={async (verificationId) => {
        await identify({ verificationId });
        app.go({ name: 'forgot-password-new', identifier: screen.identifier });
      }}
    >
      <button type="button" class="link" onClick={() => app.go({ name: 'forgot-password' })}>
        {app.t('profile.change')}
      </button>
    </CodeScreen>
  );
}
