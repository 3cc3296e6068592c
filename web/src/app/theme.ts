// Owns the page's colours: the sign-in experience's primary colour (and its dark-mode colour when dark
// mode is on, used under prefers-color-scheme: dark) as CSS custom properties, set through the CSSOM
// (the Content-Security-Policy allows no inline style attribute or element).
import type { Settings } from '../api/settings.ts';

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

export function applyTheme(settings: Settings): void {
  const root = document.documentElement;
  const { primaryColor, darkPrimaryColor, isDarkModeEnabled } = settings.color;
  if (HEX.test(primaryColor)) root.style.setProperty('--primary', primaryColor);
  if (HEX.test(darkPrimaryColor)) root.style.setProperty('--primary-dark', darkPrimaryColor);
  root.classList.toggle('dark-enabled', isDarkModeEnabled);
  const icon = isDarkModeEnabled && window.matchMedia('(prefers-color-scheme: dark)').matches ? settings.branding.darkFavicon : settings.branding.favicon;
  if (icon) document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.setAttribute('href', icon);
}
