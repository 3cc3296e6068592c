// The password of a code sign-up: staged with E24 (the policy's feedback while typing, its refusal in
// words), then E3 with the verified code's record creates the user, and E4.
import { addProfile } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { Form } from '../../components/Form.tsx';
import { useNewPassword } from '../../components/PasswordPolicy.tsx';

export function RegisterPassword({ screen }: { screen: { verificationId: string } }) {
  const app = useApp();
  const newPassword = useNewPassword();
  return (
    <>
      <h1>{app.t('register.password_title')}</h1>
      <Form
        submitLabel="register.submit"
        onSubmit={async () => {
          await newPassword.run((value) => addProfile({ type: 'password', value }));
          await identifyAndFinish(app, { verificationId: screen.verificationId });
        }}
      >
        {newPassword.field({ autoFocus: true, label: app.t('field.password') })}
      </Form>
    </>
  );
}
