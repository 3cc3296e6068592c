// Owns the small pieces every built-in factory's metadata is made of: the placeholder logo, the
// fields most factories share, and the form item shorthand.
import type { FormItem } from './factories.ts';

/** A lettered square as a data URL (Verity ships no brand artwork). */
export const logo = (letter: string) =>
  `data:image/svg+xml;base64,${Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#6139F6"/><text x="16" y="22" font-size="16" text-anchor="middle" fill="#fff">${letter}</text></svg>`,
  ).toString('base64')}`;

export const base = { isDemo: false, logoDark: null, platform: null, isStandard: false } as const;

export const text = (key: string, label: string, required = true): FormItem => ({ type: 'Text', key, label, required });
