// Sign-in with the keyboard only, in Chromium: Tab, Shift+Tab, Enter and typing (page.keyboard, never a
// click). Focus moves from the language menu to the identifier field, then to the submit button; the
// password screen takes focus at its heading, its next Tab stop is the password field, and Enter there
// signs the person in.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

/** The focused element, as `<tag> <name or type> <text>` (enough to tell the page's controls apart). */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return 'body';
    const input = el as HTMLInputElement;
    const kind = el.tagName === 'SELECT' ? '' : input.name || input.type || '';
    const text = el.tagName === 'INPUT' || el.tagName === 'SELECT' ? '' : (el.textContent ?? '').trim();
    return [el.tagName.toLowerCase(), kind, text].filter(Boolean).join(' ');
  });

describe.skipIf(!CHROMIUM)(`sign-in page: keyboard only${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();

  it('signs a person in with Tab, Shift+Tab, Enter and typing alone', async () => {
    const user = await s.newUser();
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await checkScreen(page, 'sign-in-keyboard');
    // Back to the top of the page: the language menu is the first Tab stop before the field.
    for (let i = 0; i < 5 && (await focused(page)) !== 'select'; i++) await page.keyboard.press('Shift+Tab');
    expect(await focused(page)).toBe('select');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input identifier');
    await page.keyboard.type(user.username);
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('button submit Continue');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
    await checkScreen(page, 'sign-in-keyboard-password');
    // The new screen takes focus at its heading (announced), and the next Tab stop is the password.
    expect(await focused(page)).toBe('h1 Enter your password');
    await page.keyboard.press('Tab');
    expect(await focused(page)).toBe('input password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`sign-in page suites skipped: ${NO_CHROMIUM}`);
