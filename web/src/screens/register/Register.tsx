// The first screen of registration, driven by settings.signUp: an email or phone gets a code (E1
// Register, E7, then the code screen); a username alone is created with its password at once (E1
// Register, E21 new-password-identity, E3, E4; without a password, E24 username then E3). Fields the
// sign-up also requires are asked for by the profile screen when E3 answers user.missing_profile.
import { addProfile, newPasswordIdentity, sendCode, startExperience, type IdentifierType } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { Form } from '../../components/Form.tsx';
import { useIdentifierInput } from '../../components/IdentifierInput.tsx';
import { useNewPassword } from '../../components/PasswordPolicy.tsx';
import { SocialButtons } from '../social/SocialButtons.tsx';
import { useTermsAgreement } from './TermsAgreement.tsx';

export function Register() {
  const app = useApp();
  const { t, settings } = app;
  const { identifiers, password: needsPassword } = settings.signUp;
  const codeTypes = identifiers.filter((type): type is IdentifierType => type === 'email' || type === 'phone');
  const byUsername = codeTypes.length === 0 && identifiers.includes('username');
  const identifier = useIdentifierInput(byUsername ? ['username'] : codeTypes);
  const newPassword = useNewPassword();
  const terms = useTermsAgreement();
  const backToSignIn =
    settings.signInMode === 'Register' ? null : (
      <p>
        {t('register.have_account')}{' '}
        <button type="button" class="link" onClick={() => app.go({ name: 'sign-in' })}>
          {t('register.sign_in')}
        </button>
      </p>
    );
  if (settings.signInMode === 'SignIn')
    return (
      <>
        <h1>{t('register.title')}</h1>
        <p>{t('register.not_allowed')}</p>
        {backToSignIn}
      </>
    );
  return (
    <>
      <h1>{t('register.title')}</h1>
      {codeTypes.length > 0 || byUsername ? (
        <Form
          submitLabel="register.submit"
          onSubmit={async () => {
            const typed = identifier.read();
            terms.check();
            if (!byUsername) {
              await startExperience('Register');
              const { verificationId } = await sendCode(typed, 'Register');
              app.go({ name: 'register-code', identifier: typed, verificationId });
            } else if (needsPassword) {
              await newPassword.run(async (password) => {
                await startExperience('Register');
                const { verificationId } = await newPasswordIdentity(typed, password);
                await identifyAndFinish(app, { verificationId });
              });
            } else {
              await startExperience('Register');
              await addProfile({ type: 'username', value: typed.value });
              await identifyAndFinish(app);
            }
          }}
          footer={backToSignIn}
        >
          {identifier.field({ autoFocus: true })}
          {byUsername && needsPassword ? newPassword.field({ label: t('field.password') }) : null}
          {terms.field}
        </Form>
      ) : (
        <>
          <p>{t('register.social_only')}</p>
          {backToSignIn}
        </>
      )}
      <SocialButtons />
    </>
  );
}
