// The sign-in page in Chromium: a person signs in with a password and ends at the application with a
// code openid-client exchanges; a wrong password and a locked account show what went wrong in words.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

describe.skipIf(!CHROMIUM)(`sign-in page: password sign-in${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();

  it('signs a person in with username and password and returns them to the application', async () => {
    const user = await s.newUser();
    const page = await s.newPage();
    const request = await s.authorize(page);
    await expect.poll(() => page.getByRole('heading', { name: 'Sign in' }).isVisible()).toBe(true);
    await checkScreen(page, 'sign-in');
    await page.getByLabel('Username, email or phone number').fill(user.username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
    await checkScreen(page, 'sign-in-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const claims = await s.tokensAt(page, request);
    expect(claims.sub).toBe(user.id);
  });

  it('says the password is wrong, in words, and lets the person try again', async () => {
    const user = await s.newUser();
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(user.username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The account or password is not right.');
    await checkScreen(page, 'sign-in-wrong-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`sign-in page suites skipped: ${NO_CHROMIUM}`);
