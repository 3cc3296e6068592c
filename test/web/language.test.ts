// The sign-in page's language in Chromium: the language menu, the authorization request's ui_locales,
// the browser's languages when the sign-in experience detects them, and its fallback language when it
// does not. Each signs in, in the language shown, and ends at the application.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

const FRENCH = {
  title: 'Connexion',
  field: "Nom d'utilisateur, adresse e-mail ou numéro de téléphone",
  continue: 'Continuer',
  password: 'Mot de passe',
  submit: 'Se connecter',
};
const ENGLISH = { title: 'Sign in', field: 'Username, email or phone number', continue: 'Continue', password: 'Password', submit: 'Sign in' };

/** Signs `username` in with the words of `words` (which fails if the page shows another language). */
async function signIn(page: Page, words: typeof FRENCH, username: string, password = PASSWORD): Promise<void> {
  await page.getByLabel(words.field).fill(username);
  await page.getByRole('button', { name: words.continue }).click();
  await page.getByLabel(words.password, { exact: true }).fill(password);
  await page.getByRole('button', { name: words.submit, exact: true }).click();
}

const language = (page: Page) => page.evaluate(() => document.documentElement.lang);

describe.skipIf(!CHROMIUM)(`sign-in page: language${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();

  it('switches to French from the language menu, errors included', async () => {
    await s.settings({ languageInfo: { autoDetect: true, fallbackLanguage: 'en' } });
    const user = await s.newUser();
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('heading', { name: ENGLISH.title }).waitFor();
    await page.getByLabel('Language').selectOption({ label: 'Français' });
    await page.getByRole('heading', { name: FRENCH.title }).waitFor();
    expect(await language(page)).toBe('fr');
    await checkScreen(page, 'language-fr-menu');
    await signIn(page, FRENCH, user.username, 'pas-le-bon');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain("Le compte ou le mot de passe n'est pas correct.");
    await checkScreen(page, 'language-fr-error');
    await page.getByLabel(FRENCH.password, { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: FRENCH.submit, exact: true }).click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('is in French from the start when the authorization request asks ui_locales=fr', async () => {
    await s.settings({ languageInfo: { autoDetect: false, fallbackLanguage: 'en' } });
    const user = await s.newUser();
    const page = await s.newPage({ locale: 'en-US' });
    const request = await s.authorize(page, { ui_locales: 'fr' });
    await page.getByRole('heading', { name: FRENCH.title }).waitFor();
    expect(await language(page)).toBe('fr');
    await checkScreen(page, 'language-ui-locales');
    await signIn(page, FRENCH, user.username);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it("follows a French browser's language when the sign-in experience detects it", async () => {
    await s.settings({ languageInfo: { autoDetect: true, fallbackLanguage: 'en' } });
    const user = await s.newUser();
    const page = await s.newPage({ locale: 'fr-FR' });
    const request = await s.authorize(page);
    await page.getByRole('heading', { name: FRENCH.title }).waitFor();
    expect(await language(page)).toBe('fr');
    await checkScreen(page, 'language-detected');
    await signIn(page, FRENCH, user.username);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('stays in the fallback language, English, for a French browser when detection is off', async () => {
    await s.settings({ languageInfo: { autoDetect: false, fallbackLanguage: 'en' } });
    const user = await s.newUser();
    const page = await s.newPage({ locale: 'fr-FR' });
    const request = await s.authorize(page);
    await page.getByRole('heading', { name: ENGLISH.title }).waitFor();
    expect(await language(page)).toBe('en');
    await checkScreen(page, 'language-fallback');
    await signIn(page, ENGLISH, user.username);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`sign-in page suites skipped: ${NO_CHROMIUM}`);
