// Owns the page's language: one catalogue per language (en.ts is the reference, every other one has
// each of its keys — the compiler checks), the choice among them (the `ui_locales` of the
// authorization request, then the browser's languages when the sign-in experience auto-detects, then
// its fallback language, then English), and `t`, which fills {{name}} placeholders.
import { en, type Catalogue, type PhraseKey } from './en.ts';
import { fr } from './fr.ts';

export const CATALOGUES: Record<string, Catalogue> = { en, fr };
/** Each language named in itself, for the language menu. */
export const LANGUAGE_NAMES: Record<string, string> = { en: 'English', fr: 'Français' };

export type { PhraseKey };
export type Translate = (key: PhraseKey, values?: Record<string, string | number>) => string;

/** The first supported language of `wanted` (tags like `fr-CA` match `fr`). */
export function pickLanguage(wanted: readonly string[]): string | undefined {
  for (const tag of wanted) {
    const lower = tag.toLowerCase();
    if (Object.hasOwn(CATALOGUES, lower)) return lower;
    const base = lower.split('-')[0]!;
    if (Object.hasOwn(CATALOGUES, base)) return base;
  }
  return undefined;
}

export function chooseLanguage(options: { uiLocales: string | null; autoDetect: boolean; fallback: string; browser: readonly string[] }): string {
  const requested = options.uiLocales ? options.uiLocales.split(/\s+/).filter(Boolean) : [];
  return pickLanguage([...requested, ...(options.autoDetect ? options.browser : []), options.fallback]) ?? 'en';
}

export function translator(language: string): Translate {
  const catalogue = CATALOGUES[language] ?? en;
  return (key, values) => {
    const phrase = catalogue[key] ?? en[key] ?? key;
    return values ? phrase.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : phrase;
  };
}

/** The human message for an Experience API error code (`error.unknown` for codes without one). */
export function errorKey(code: string): PhraseKey {
  const key = `error.${code}`;
  return (key in en ? key : 'error.unknown') as PhraseKey;
}
