// The frame of every screen: the logo (dark variant in dark mode), the language menu, the screen in a
// <main> landmark, and the terms, privacy and support links of the sign-in experience.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { linkable } from '../app/links.ts';
import { useApp } from '../app/nav.ts';
import { LANGUAGE_NAMES } from '../i18n/index.ts';

/** A logo that cannot load (offline, blocked) is hidden rather than shown as its alt text. */
function Logo({ src, alt }: { src: string; alt: string }) {
  const [failed, setFailed] = useState(false);
  const ref = useRef<HTMLImageElement>(null);
  useEffect(() => {
    const img = ref.current;
    if (img?.complete && img.naturalWidth === 0) setFailed(true);
  }, [src]);
  return failed ? null : <img ref={ref} src={src} alt={alt} onError={() => setFailed(true)} />;
}

export function Layout({ children }: { children: ComponentChildren }) {
  const { settings, t, language, setLanguage } = useApp();
  const { branding } = settings;
  const termsOfUseUrl = linkable(settings.termsOfUseUrl);
  const privacyPolicyUrl = linkable(settings.privacyPolicyUrl);
  const support = linkable(settings.supportWebsiteUrl) ?? (settings.supportEmail ? `mailto:${settings.supportEmail}` : null);
  return (
    <div class="page">
      <header class="top">
        {branding.logoUrl ? (
          <picture class="logo">
            {branding.darkLogoUrl && settings.color.isDarkModeEnabled ? (
              <source srcset={branding.darkLogoUrl} media="(prefers-color-scheme: dark)" />
            ) : null}
            <Logo src={branding.logoUrl} alt={t('common.logo_alt')} />
          </picture>
        ) : null}
        <label class="language">
          <span>{t('common.language')}</span>
          <select value={language} onChange={(event) => setLanguage((event.currentTarget as HTMLSelectElement).value)}>
            {Object.entries(LANGUAGE_NAMES).map(([code, name]) => (
              <option key={code} value={code} lang={code}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </header>
      <main class="card">{children}</main>
      <footer class="legal">
        {termsOfUseUrl ? <a href={termsOfUseUrl} target="_blank" rel="noopener noreferrer">{t('common.terms')}</a> : null}
        {privacyPolicyUrl ? <a href={privacyPolicyUrl} target="_blank" rel="noopener noreferrer">{t('common.privacy')}</a> : null}
        {support ? (
          <a href={support} target="_blank" rel="noopener noreferrer">
            {t('common.support')}
          </a>
        ) : null}
      </footer>
    </div>
  );
}
