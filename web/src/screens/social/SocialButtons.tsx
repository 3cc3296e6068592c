// The social sign-in buttons (settings.socialConnectors, in the sign-in experience's order) under the
// sign-in and register forms, and — on sign-in, when the sign-in experience offers it — the link to
// single sign-on by work email. A button starts the experience with the screen's event (E1), then
// leaves for the provider (app/federated.ts); the provider comes back to the social-callback screen.
import { startExperience } from '../../api/experience.ts';
import type { SocialConnector } from '../../api/settings.ts';
import { startFederated } from '../../app/federated.ts';
import { useApp } from '../../app/nav.ts';
import { useAction } from '../../components/useAction.ts';
import { useFederatedMessage } from './federated-message.ts';

/** The connector's logo; the dark one under dark mode when the sign-in experience enables it. The
 *  alt text is empty: the button's label names the provider. */
function ConnectorLogo({ connector, dark }: { connector: SocialConnector; dark: boolean }) {
  return (
    <picture>
      {dark && connector.logoDark ? <source srcset={connector.logoDark} media="(prefers-color-scheme: dark)" /> : null}
      <img src={connector.logo} alt="" />
    </picture>
  );
}

export function SocialButtons({ event = 'SignIn' }: { event?: 'SignIn' | 'Register' }) {
  const app = useApp();
  const { t, settings, language } = app;
  const { busy, error, run } = useAction(useFederatedMessage());
  const connectors = settings.socialConnectors;
  const sso = event === 'SignIn' && settings.singleSignOnEnabled;
  if (connectors.length === 0 && !sso) return null;
  return (
    <section class="social" aria-label={t('social.area_label')}>
      <div class="divider">{t('common.or')}</div>
      <div class="alert" role="alert" aria-live="assertive">
        {error ? <p class="error">{error}</p> : null}
      </div>
      <div class="stack">
        {connectors.map((connector) => (
          <button
            key={connector.id}
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await startExperience(event);
                await startFederated('social', connector.id, event);
                return true;
              })
            }
          >
            <ConnectorLogo connector={connector} dark={settings.color.isDarkModeEnabled} />
            <span>{t('social.continue_with', { name: connector.name[language] ?? connector.name.en ?? connector.target })}</span>
          </button>
        ))}
        {sso ? (
          <button type="button" class="link" disabled={busy} onClick={() => app.go({ name: 'sso-email' })}>
            {t('sso.link')}
          </button>
        ) : null}
      </div>
    </section>
  );
}
