// The password step of sign-in: E1 SignIn, E6, then identify and finish (app/flow.ts). Offers a code
// instead when the method allows one, and password reset when a code channel exists.
import { useState } from 'preact/hooks';
import { startExperience, verifyPassword, type Identifier } from '../../api/experience.ts';
import { identifyAndFinish, nextStepOf } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { PasswordField } from '../../components/Field.tsx';
import { Form, phraseError, useErrorMessage } from '../../components/Form.tsx';
import { methodFor, startCodeSignIn } from './methods.ts';

export function Password({ screen }: { screen: { identifier: Identifier } }) {
  const app = useApp();
  const { t, settings } = app;
  const message = useErrorMessage();
  const { identifier } = screen;
  const [password, setPassword] = useState('');
  const [switchError, setSwitchError] = useState<string | null>(null);
  const method = methodFor(settings, identifier);
  const codeInstead = Boolean(method?.verificationCode) && identifier.type !== 'username';
  const canReset = settings.forgotPassword.email || settings.forgotPassword.phone;
  return (
    <>
      <h1>{t('sign_in.password_title')}</h1>
      <p class="muted">{t('sign_in.password_for', { identifier: identifier.value })}</p>
      <Form
        submitLabel="sign_in.submit"
        error={switchError}
        onSubmit={async () => {
          setSwitchError(null);
          if (!password) throw phraseError('field.password_required');
          await startExperience('SignIn');
          const { verificationId } = await verifyPassword(identifier, password);
          await identifyAndFinish(app, { verificationId });
        }}
        footer={
          <>
            {codeInstead ? (
              <button
                type="button"
                class="link"
                onClick={() =>
                  startCodeSignIn(app, identifier).catch((error: unknown) => {
                    const next = nextStepOf(error);
                    if (next) app.go(next);
                    else setSwitchError(message(error));
                  })
                }
              >
                {t('sign_in.use_code')}
              </button>
            ) : null}
            {canReset ? (
              <button type="button" class="link" onClick={() => app.go({ name: 'forgot-password' })}>
                {t('sign_in.forgot_password')}
              </button>
            ) : null}
            <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
              {t('sign_in.change_identifier')}
            </button>
          </>
        }
      >
        <input type="hidden" name="username" autoComplete="username" value={identifier.value} />
        <PasswordField label={t('field.password')} value={password} onInput={setPassword} name="password" autoFocus />
      </Form>
    </>
  );
}
