// Password reset on the sign-in page in Chromium: from the password screen, an email code read from the
// test SMTP server, a new password (a refused one first, its reason in words), the done screen, and a
// sign-in with the new password that ends at the application.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';

describe.skipIf(!CHROMIUM)(`sign-in page: forgot password${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ email: true });

  it('resets a password by an email code, then signs in with the new one', async () => {
    const email = `fp_${s.unique()}@example.com`;
    const user = await s.newUser({ primaryEmail: email });
    const fresh = 'Nw4$tRq9!pLx';
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Forgot your password?' }).click();
    await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
    await checkScreen(page, 'forgot-password');
    await page.getByLabel(/^Email/).fill(email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await checkScreen(page, 'forgot-password-code');
    await page.getByLabel('Verification code').fill(s.lastCode({ type: 'email', value: email }));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await checkScreen(page, 'forgot-password-new');
    const field = page.getByLabel('New password', { exact: true });
    await field.fill('abcd1234');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect.poll(() => page.getByText('It is mostly a sequence').isVisible()).toBe(true);
    await checkScreen(page, 'forgot-password-rejected');
    await field.fill(fresh);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Your password is changed' }).waitFor();
    await checkScreen(page, 'forgot-password-done');
    await page.getByRole('button', { name: 'Back to sign in' }).click();
    await page.getByLabel('Username, email or phone number').fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(fresh);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`forgot-password suites skipped: ${NO_CHROMIUM}`);
