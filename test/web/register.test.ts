// Registration on the sign-in page in Chromium: by email and a code read from the test SMTP server
// (behind a required terms checkbox), by username and password with the policy's live checklist and a
// `password.rejected` reason in words, and by email + code + password; each ends at the application
// with a code openid-client exchanges, for the user just created.
import { beforeEach, describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite, registerWithEmailCode } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

describe.skipIf(!CHROMIUM)(`sign-in page: registration${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ email: true });
  // BASE_SETTINGS leaves the terms policy alone: the first test's agreement must not outlive it.
  beforeEach(() => s.settings({ agreeToTermsPolicy: 'Automatic' }));

  it('creates an account from an email and its code, once the terms are agreed to', async () => {
    await s.settings({
      signUp: { identifiers: ['email'], password: false, verify: true },
      agreeToTermsPolicy: 'Manual',
      termsOfUseUrl: 'https://example.com/terms',
      privacyPolicyUrl: 'https://example.com/privacy',
    });
    const email = `reg_${s.unique()}@example.com`;
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await checkScreen(page, 'register');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('Check the field above.');
    await expect.poll(() => page.getByText('Agree to the terms to create an account.').isVisible()).toBe(true);
    await checkScreen(page, 'register-terms-required');
    await page.getByLabel('I agree to the terms of use and the privacy policy').check();
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await checkScreen(page, 'register-code');
    await page.getByLabel('Verification code').fill(s.lastCode({ type: 'email', value: email }));
    await page.getByRole('button', { name: 'Verify' }).click();
    const claims = await s.tokensAt(page, request);
    const user = await s.admin('GET', `/api/users/${String(claims.sub)}`);
    expect(user.primaryEmail).toBe(email);
  });

  it('creates an account from a username and password, with the policy checked while typing and a refusal in words', async () => {
    await s.settings({ passwordPolicy: { length: { min: 10, max: 64 }, characterTypes: { min: 3 } } });
    const username = `ann_${s.unique()}`;
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.getByLabel('Username', { exact: true }).fill(username);
    const password = page.getByLabel('Password', { exact: true });
    await password.fill('short');
    await expect.poll(() => page.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Between 10 and 64 characters (not met yet)'),
      expect.stringContaining('At least 3 of: lowercase letters, uppercase letters, digits, symbols (not met yet)'),
    ]);
    await checkScreen(page, 'register-password-feedback');
    // Long enough and of three kinds, yet nearly all of it is the username.
    await password.fill(`${username}X9`);
    await expect.poll(() => page.getByText('The password meets every rule.').isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Create account' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('This password cannot be used.');
    await expect.poll(() => page.getByText('It contains your personal information').isVisible()).toBe(true);
    await checkScreen(page, 'register-password-rejected');
    await password.fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const claims = await s.tokensAt(page, request);
    expect((await s.admin('GET', `/api/users/${String(claims.sub)}`)).username).toBe(username);
  });

  it('asks for a password after the code when the sign-up requires one', async () => {
    await s.settings({ signUp: { identifiers: ['email'], password: true, verify: true } });
    const email = `regpw_${s.unique()}@example.com`;
    const page = await s.newPage();
    const request = await s.authorize(page);
    await registerWithEmailCode(s, page, email);
    await page.getByRole('heading', { name: 'Choose a password' }).waitFor();
    await checkScreen(page, 'register-choose-password');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    const claims = await s.tokensAt(page, request);
    const user = await s.admin('GET', `/api/users/${String(claims.sub)}`);
    expect(user.primaryEmail).toBe(email);
    expect(user.hasPassword).toBe(true);
  });
});

if (!CHROMIUM) console.warn(`registration suites skipped: ${NO_CHROMIUM}`);
