// The sign-in page's error catalogue against the server's: every Logto-family code (src/domain/errors.ts)
// that the code behind the Experience API names has a human message `error.<code>` in every language,
// and a translation keeps its English phrase's {{placeholders}}. No browser.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logtoErrors } from '../../src/domain/errors.ts';
import { en } from '../../web/src/i18n/en.ts';
import { CATALOGUES } from '../../web/src/i18n/index.ts';

/** What the Experience API runs: its routes, the domain they call, the code delivery, the error handler. */
const SOURCES = [
  'src/http/experience',
  'src/http/errors.ts',
  'src/domain/experience',
  'src/domain/verification',
  'src/domain/codes',
  'src/domain/delivery',
  'src/domain/social',
  'src/domain/sso',
  'src/domain/sso-connectors/providers.ts',
  'src/domain/sign-in-experience',
  'src/domain/users',
];

function filesUnder(entry: string): string[] {
  if (fs.statSync(entry).isFile()) return [entry];
  return fs.readdirSync(entry).flatMap((name) => filesUnder(path.join(entry, name)));
}

/** Every catalogue code written as a string literal in those files. */
function experienceCodes(): string[] {
  const text = SOURCES.flatMap(filesUnder)
    .filter((file) => file.endsWith('.ts'))
    .map((file) => fs.readFileSync(file, 'utf8'))
    .join('\n');
  return Object.keys(logtoErrors).filter((code) => text.includes(`'${code}'`));
}

const placeholders = (phrase: string) => [...phrase.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('sign-in page error catalogue', () => {
  const codes = experienceCodes();

  it('finds the codes the Experience API raises (the scan itself works)', () => {
    expect(codes).toEqual(expect.arrayContaining(['session.invalid_credentials', 'verification_code.code_mismatch', 'user.missing_profile']));
  });

  it.each(Object.keys(CATALOGUES))('has a message in %s for every code the Experience API can answer', (language) => {
    const catalogue = CATALOGUES[language]! as Record<string, string | undefined>;
    expect(codes.filter((code) => !catalogue[`error.${code}`]?.trim())).toEqual([]);
  });

  it.each(Object.keys(CATALOGUES).filter((l) => l !== 'en'))('keeps in %s the placeholders of every English phrase', (language) => {
    const catalogue = CATALOGUES[language]! as Record<string, string>;
    const differing = Object.entries(en)
      .filter(([key, phrase]) => placeholders(phrase).join() !== placeholders(catalogue[key] ?? '').join())
      .map(([key]) => key);
    expect(differing).toEqual([]);
  });

  it('fills no placeholder in an error message (the page passes none but `code`)', () => {
    const filled = Object.entries(en).filter(([key, phrase]) => key.startsWith('error.') && placeholders(phrase).some((name) => name !== 'code'));
    expect(filled.map(([key]) => key)).toEqual([]);
  });
});
