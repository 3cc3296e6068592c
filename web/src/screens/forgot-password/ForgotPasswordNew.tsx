// The new password of a reset: E25 (the policy's feedback while typing, its refusal in words), then
// E4, which writes it and empties the experience; the OIDC interaction lives on for signing in.
import { resetPassword, submit, type Identifier } from '../../api/experience.ts';
import { useApp } from '../../app/nav.ts';
import { Form } from '../../components/Form.tsx';
import { useNewPassword } from '../../components/PasswordPolicy.tsx';

export function ForgotPasswordNew({ screen }: { screen: { identifier: Identifier } }) {
  const app = useApp();
  const newPassword = useNewPassword();
  return (
    <>
      <h1>{app.t('forgot.new_title')}</h1>
      <Form
        submitLabel="forgot.submit"
        onSubmit={async () => {
          await newPassword.run(resetPassword);
          await submit();
          app.go({ name: 'forgot-password-done' });
        }}
      >
        {/* Lets a password manager file the new password under the account. */}
        <input type="hidden" name="username" autoComplete="username" value={screen.identifier.value} />
        {newPassword.field({ autoFocus: true })}
      </Form>
    </>
  );
}
