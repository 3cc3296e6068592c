// The end of a password reset: it says the password changed and leads back to sign-in (a new E1
// SignIn there; the OIDC interaction is still alive).
import { useApp } from '../../app/nav.ts';

export function ForgotPasswordDone() {
  const app = useApp();
  return (
    <>
      <h1>{app.t('forgot.done_title')}</h1>
      <p role="status">{app.t('forgot.done_body')}</p>
      <button type="button" class="primary" onClick={() => app.go({ name: 'sign-in' })}>
        {app.t('forgot.back_to_sign_in')}
      </button>
    </>
  );
}
