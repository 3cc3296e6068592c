// Profile fulfilment (user.missing_profile after E3 or E4): one missing field at a time, in the order
// the server lists them — an email or phone proven by a code (ProfileContact), a username or a
// password staged with E24 — then what failed is retried: E3 with the original body for a Register
// that failed there (screen.identify), else E4.
import { addProfile } from '../../api/experience.ts';
import { finish, identifyAndFinish } from '../../app/flow.ts';
import { isIdentifier, parseIdentifier } from '../../app/identifier.ts';
import { useApp, type AppContext, type IdentifyBody } from '../../app/nav.ts';
import { Field } from '../../components/Field.tsx';
import { Form, phraseError } from '../../components/Form.tsx';
import { useNewPassword } from '../../components/PasswordPolicy.tsx';
import type { PhraseKey } from '../../i18n/index.ts';
import { useState } from 'preact/hooks';
import { ProfileContact } from './ProfileContact.tsx';

interface ProfileScreen {
  missing: string[];
  identify?: IdentifyBody;
}

const TITLES: Record<string, PhraseKey> = {
  email: 'profile.add_email',
  phone: 'profile.add_phone',
  emailOrPhone: 'profile.add_email_or_phone',
  username: 'profile.add_username',
  password: 'profile.add_password',
};

/** After a field is staged: the next missing one, else the retry of what asked for them. */
async function proceed(app: Pick<AppContext, 'go'>, screen: ProfileScreen): Promise<void> {
  const rest = screen.missing.slice(1);
  if (rest.length > 0) app.go({ name: 'profile', missing: rest, ...(screen.identify ? { identify: screen.identify } : {}) });
  else if (screen.identify) await identifyAndFinish(app, screen.identify);
  else await finish(app);
}

export function Profile({ screen }: { screen: ProfileScreen }) {
  const app = useApp();
  const field = screen.missing[0] ?? '';
  return (
    <>
      <h1>{app.t(TITLES[field] ?? 'profile.save')}</h1>
      <p class="muted">{app.t('profile.subtitle')}</p>
      {/* Keyed by what is left, so each field starts with a fresh form. */}
      <ProfileStep key={screen.missing.join()} field={field} onDone={() => proceed(app, screen)} screen={screen} />
    </>
  );
}

function ProfileStep({ field, screen, onDone }: { field: string; screen: ProfileScreen; onDone(): Promise<void> }) {
  if (field === 'email' || field === 'phone' || field === 'emailOrPhone') {
    const types = field === 'emailOrPhone' ? (['email', 'phone'] as const) : ([field] as const);
    // E7's event picks the message's template; a profile asked for at E3 belongs to a registration.
    return <ProfileContact types={types} event={screen.identify ? 'Register' : 'SignIn'} onDone={onDone} />;
  }
  if (field === 'password') return <ProfilePassword onDone={onDone} />;
  return <ProfileUsername onDone={onDone} />;
}

function ProfileUsername({ onDone }: { onDone(): Promise<void> }) {
  const { t } = useApp();
  const [username, setUsername] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <Form
      submitLabel="profile.save"
      onSubmit={async () => {
        setError(null);
        const parsed = parseIdentifier(username, ['username']);
        if (!isIdentifier(parsed)) {
          setError(t(parsed.problem));
          throw phraseError('field.check_above');
        }
        await addProfile({ type: 'username', value: parsed.value });
        await onDone();
      }}
    >
      <Field label={t('field.username')} value={username} onInput={setUsername} name="username" autocomplete="username" error={error} autoFocus />
    </Form>
  );
}

function ProfilePassword({ onDone }: { onDone(): Promise<void> }) {
  const { t } = useApp();
  const newPassword = useNewPassword();
  return (
    <Form
      submitLabel="profile.save"
      onSubmit={async () => {
        await newPassword.run((value) => addProfile({ type: 'password', value }));
        await onDone();
      }}
    >
      {newPassword.field({ autoFocus: true, label: t('field.password') })}
    </Form>
  );
}
