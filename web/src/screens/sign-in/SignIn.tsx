// The first screen: one identifier field for the kinds the sign-in experience allows, the social
// buttons, and the ways to registration and password reset.
import { useState } from 'preact/hooks';
import { identifierLabel, inputHints, isIdentifier, parseIdentifier } from '../../app/identifier.ts';
import { useApp } from '../../app/nav.ts';
import { Field } from '../../components/Field.tsx';
import { Form, phraseError } from '../../components/Form.tsx';
import { SocialButtons } from '../social/SocialButtons.tsx';
import { continueSignIn } from './methods.ts';

export function SignIn() {
  const app = useApp();
  const { t, settings } = app;
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const types = settings.signIn.methods.map((m) => m.identifier);
  const label = t(identifierLabel(types));
  const canRegister = settings.signInMode !== 'SignIn';
  if (settings.signInMode === 'Register')
    return (
      <>
        <h1>{t('sign_in.title')}</h1>
        <p>{t('sign_in.not_allowed')}</p>
        <button type="button" class="link" onClick={() => app.go({ name: 'register' })}>
          {t('sign_in.create_account')}
        </button>
      </>
    );
  return (
    <>
      <h1>{t('sign_in.title')}</h1>
      <p class="muted">{t('sign_in.subtitle')}</p>
      {types.length > 0 ? (
        <Form
          submitLabel="common.continue"
          onSubmit={async () => {
            setFieldError(null);
            if (!text.trim()) {
              setFieldError(t('field.invalid_identifier', { field: label.toLowerCase() }));
              throw phraseError('field.check_above');
            }
            const parsed = parseIdentifier(text, types);
            if (!isIdentifier(parsed)) {
              setFieldError(t(parsed.problem));
              throw phraseError('field.check_above');
            }
            await continueSignIn(app, parsed);
          }}
          footer={
            canRegister ? (
              <p>
                {t('sign_in.no_account')}{' '}
                <button type="button" class="link" onClick={() => app.go({ name: 'register' })}>
                  {t('sign_in.create_account')}
                </button>
              </p>
            ) : null
          }
        >
          <Field label={label} value={text} onInput={setText} name="identifier" error={fieldError} autoFocus {...inputHints(types)} />
        </Form>
      ) : null}
      <SocialButtons />
    </>
  );
}
