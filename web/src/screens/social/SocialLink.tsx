// After a social sign-in the server knows no account for: an account already has the provider's email
// or phone (shown masked). The person links this provider to it (E3 linkSocialIdentity), or — when
// registration is open — creates a new account with it (E2 Register → E3). Then E4 (app/flow.ts).
import { switchEvent } from '../../api/experience.ts';
import { identifyAndFinish } from '../../app/flow.ts';
import { useApp } from '../../app/nav.ts';
import { maskIdentifier } from './messages.ts';
import { useAction } from '../../components/useAction.ts';
import { useFederatedMessage } from './federated-message.ts';

export function SocialLink({ screen }: { screen: { verificationId: string; relatedUser: { type: string; value: string } } }) {
  const app = useApp();
  const { t, settings } = app;
  const { busy, error, run } = useAction(useFederatedMessage());
  const { verificationId, relatedUser } = screen;
  const account = maskIdentifier(relatedUser.type, relatedUser.value);
  return (
    <>
      <h1>{t('social.link_title')}</h1>
      <p>{t('social.link_body', { account })}</p>
      <div class="alert" role="alert" aria-live="assertive">
        {error ? <p class="error">{error}</p> : null}
      </div>
      <div class="stack">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() => run(() => identifyAndFinish(app, { verificationId, linkSocialIdentity: true }))}
        >
          {t('social.link_existing', { account })}
        </button>
        {settings.signInMode !== 'SignIn' ? (
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await switchEvent('Register');
                return identifyAndFinish(app, { verificationId });
              })
            }
          >
            {t('social.create_new')}
          </button>
        ) : null}
        <button type="button" class="link" disabled={busy} onClick={() => app.go({ name: 'sign-in' })}>
          {t('social.back_to_sign_in')}
        </button>
      </div>
    </>
  );
}
