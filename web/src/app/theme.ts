// Owns the page's colours: the sign-in experience's primary colour (and its dark-mode colour when dark
// mode is on, used under prefers-color-scheme: dark) as CSS custom properties, each with the text colour
// that contrasts most with it, set through the CSSOM
// (the Content-Security-Policy allows no inline style attribute or element).
import type { Settings } from '../api/settings.ts';

const HEX = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i;

/** WCAG relative luminance of a #rgb / #rrggbb colour. */
function luminance(hex: string): number {
  const digits = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(digits.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/** White or near-black, whichever contrasts more with `hex` (a button's text on the brand colour). */
export function textOn(hex: string): string {
  const l = luminance(hex);
  return (1.05) / (l + 0.05) >= (l + 0.05) / 0.05 ? '#ffffff' : '#111111';
}

export function applyTheme(settings: Settings): void {
  const root = document.documentElement;
  const { primaryColor, darkPrimaryColor, isDarkModeEnabled } = settings.color;
  if (HEX.test(primaryColor)) {
    root.style.setProperty('--primary', primaryColor);
    root.style.setProperty('--on-primary', textOn(primaryColor));
  }
  if (HEX.test(darkPrimaryColor)) {
    root.style.setProperty('--primary-dark', darkPrimaryColor);
    root.style.setProperty('--on-primary-dark', textOn(darkPrimaryColor));
  }
  root.classList.toggle('dark-enabled', isDarkModeEnabled);
  const icon = isDarkModeEnabled && window.matchMedia('(prefers-color-scheme: dark)').matches ? settings.branding.darkFavicon : settings.branding.favicon;
  if (icon) document.querySelector<HTMLLinkElement>('link[rel="icon"]')?.setAttribute('href', icon);
}
