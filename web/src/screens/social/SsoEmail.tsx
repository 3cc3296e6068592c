// "Sign in with single sign-on": a work email whose domain has an enterprise SSO connector (E5) leaves
// for the company's IdP (E1 SignIn, E11 — screens/sign-in/methods.ts trySingleSignOn); another
// domain is told there is no single sign-on for it.
import { useState } from 'preact/hooks';
import { isIdentifier, parseIdentifier } from '../../app/identifier.ts';
import { useApp } from '../../app/nav.ts';
import { Field } from '../../components/Field.tsx';
import { Form, phraseError } from '../../components/Form.tsx';
import { trySingleSignOn } from '../sign-in/methods.ts';

export function SsoEmail() {
  const app = useApp();
  const { t, settings } = app;
  const [email, setEmail] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  return (
    <>
      <h1>{t('sso.title')}</h1>
      <p class="muted">{t('sso.subtitle')}</p>
      <Form
        submitLabel="common.continue"
        onSubmit={async () => {
          setFieldError(null);
          const parsed = parseIdentifier(email, ['email']);
          if (!isIdentifier(parsed)) {
            setFieldError(t('field.invalid_email'));
            throw phraseError('field.check_above');
          }
          if (!(await trySingleSignOn(settings, parsed))) throw phraseError('sso.no_connector');
        }}
        footer={
          <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
            {t('social.back_to_sign_in')}
          </button>
        }
      >
        <Field label={t('sso.email_label')} value={email} onInput={setEmail} name="email" type="email" autocomplete="email" error={fieldError} autoFocus />
      </Form>
    </>
  );
}
