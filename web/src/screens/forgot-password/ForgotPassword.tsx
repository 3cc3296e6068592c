// The first screen of password reset: an email or phone by the channels settings.forgotPassword
// offers; E1 ForgotPassword and E7 (event ForgotPassword) send the code, and the code screen follows.
import { sendCode, startExperience, type IdentifierType } from '../../api/experience.ts';
import { useApp } from '../../app/nav.ts';
import { Form } from '../../components/Form.tsx';
import { useIdentifierInput } from '../../components/IdentifierInput.tsx';

export function ForgotPassword() {
  const app = useApp();
  const { t, settings } = app;
  const channels = (['email', 'phone'] as IdentifierType[]).filter((type) => settings.forgotPassword[type as 'email' | 'phone']);
  const identifier = useIdentifierInput(channels);
  const back = (
    <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
      {t('forgot.back_to_sign_in')}
    </button>
  );
  return (
    <>
      <h1>{t('forgot.title')}</h1>
      {channels.length === 0 ? (
        <>
          <p>{t('forgot.unavailable')}</p>
          {back}
        </>
      ) : (
        <>
          <p class="muted">{t('forgot.subtitle')}</p>
          <Form
            submitLabel="forgot.send"
            onSubmit={async () => {
              const typed = identifier.read();
              await startExperience('ForgotPassword');
              const { verificationId } = await sendCode(typed, 'ForgotPassword');
              app.go({ name: 'forgot-password-code', identifier: typed, verificationId });
            }}
            footer={back}
          >
            {identifier.field({ autoFocus: true })}
          </Form>
        </>
      )}
    </>
  );
}
