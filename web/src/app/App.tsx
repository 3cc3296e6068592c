// The page: loads the public settings, picks the language and colours, and shows one screen at a
// time (app/nav.ts). Top-level screens keep their path in the address bar (/sign-in, /register,
// /forgot-password) with the interaction's query; Back in the browser returns to them.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { loadSettings, type Settings } from '../api/settings.ts';
import { Layout } from '../components/Layout.tsx';
import { chooseLanguage, translator } from '../i18n/index.ts';
import { SCREENS } from '../screens/index.tsx';
import { App as AppContextProvider, PATHS, screenOfPath, type AppContext, type Screen } from './nav.ts';
import { focusHeading } from './focus.ts';
import { applyTheme } from './theme.ts';

function ScreenView({ screen }: { screen: Screen }) {
  const View = SCREENS[screen.name] as (props: { screen: Screen }) => preact.JSX.Element;
  const ref = useRef<HTMLDivElement>(null);
  // A new screen names itself in the title, and focus moves to it unless one of its fields took it.
  useEffect(() => {
    const heading = ref.current?.querySelector('h1');
    if (heading) document.title = heading.textContent ?? document.title;
    focusHeading(ref.current);
  }, [screen]);
  return (
    <div ref={ref}>
      <View screen={screen} />
    </div>
  );
}

export function Root() {
  const [settings, setSettings] = useState<Settings | null>(null);
  const [failed, setFailed] = useState(false);
  const [language, setLanguageState] = useState('en');
  const [screen, setScreen] = useState<Screen>(() => screenOfPath(window.location.pathname));

  useEffect(() => {
    loadSettings().then(
      (loaded) => {
        const query = new URLSearchParams(window.location.search);
        setLanguageState(
          chooseLanguage({
            uiLocales: query.get('ui_locales'),
            autoDetect: loaded.languageInfo.autoDetect,
            fallback: loaded.languageInfo.fallbackLanguage,
            browser: navigator.languages,
          }),
        );
        applyTheme(loaded);
        setSettings(loaded);
      },
      () => setFailed(true),
    );
    const onPop = () => setScreen(screenOfPath(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  // In the same commit as the words it describes (not after paint): a screen reader, or anything reading
  // the page the moment its text changes, never sees French words under lang="en".
  useLayoutEffect(() => {
    document.documentElement.lang = language;
  }, [language]);

  const t = useMemo(() => translator(language), [language]);
  if (failed) return <p role="alert">{t('error.network')}</p>;
  if (!settings) return <p aria-live="polite">{t('common.loading')}</p>;

  const context: AppContext = {
    settings,
    language,
    t,
    setLanguage(next) {
      setLanguageState(next);
      const url = new URL(window.location.href);
      url.searchParams.set('ui_locales', next);
      window.history.replaceState(window.history.state, '', url);
    },
    go(next) {
      const path = PATHS[next.name];
      if (path && path !== window.location.pathname) window.history.pushState(null, '', `${path}${window.location.search}`);
      setScreen(next);
    },
  };
  return (
    <AppContextProvider.Provider value={context}>
      <Layout>
        <ScreenView screen={screen} />
      </Layout>
    </AppContextProvider.Provider>
  );
}
