// Shown when the interaction is gone (expired, finished, or the page opened without one): nothing on
// this page can go on, so it says so and points back to the application.
import { linkable } from '../../app/links.ts';
import { useApp } from '../../app/nav.ts';

export function SessionExpired() {
  const { t, settings } = useApp();
  const back = linkable(settings.unknownSessionRedirectUrl);
  return (
    <>
      <h1>{t('session.title')}</h1>
      <p>{t('session.body')}</p>
      {back ? <a href={back}>{t('session.back_to_app')}</a> : null}
    </>
  );
}
