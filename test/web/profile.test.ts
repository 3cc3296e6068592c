// Profile fulfilment on the sign-in page in Chromium: when the sign-up requires a field the person's
// account lacks, signing in asks for it (an email proven by a code from the test SMTP server, a
// a username a registration by code still lacks), stages it, and then ends at the application.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite, registerWithEmailCode } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

describe.skipIf(!CHROMIUM)(`sign-in page: profile fulfilment${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ email: true });

  it('asks a person without an email for one and its code, then signs them in', async () => {
    await s.settings({ signUp: { identifiers: ['email'], password: true, verify: true } });
    const user = await s.newUser();
    const email = `pf_${s.unique()}@example.com`;
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(user.username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Add your email address' }).waitFor();
    await checkScreen(page, 'profile-email');
    await page.getByLabel('Email', { exact: true }).fill(email);
    await page.getByRole('button', { name: 'Send code' }).click();
    await page.getByLabel('Verification code').waitFor();
    await checkScreen(page, 'profile-email-code');
    await page.getByLabel('Verification code').fill(s.lastCode({ type: 'email', value: email }));
    await page.getByRole('button', { name: 'Verify' }).click();
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
    expect((await s.admin('GET', `/api/users/${user.id}`)).primaryEmail).toBe(email);
  });

  it('asks a registration by email code for the username the sign-up also requires, then retries the registration', async () => {
    await s.settings({ signUp: { identifiers: ['username', 'email'], password: true, verify: true } });
    const email = `pfu_${s.unique()}@example.com`;
    const username = `bo_${s.unique()}`;
    const page = await s.newPage();
    const request = await s.authorize(page);
    await registerWithEmailCode(s, page, email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    // E3 answers user.missing_profile ['username']: the registration waits for it, then is retried.
    await page.getByRole('heading', { name: 'Choose a username' }).waitFor();
    await checkScreen(page, 'profile-username');
    await page.getByLabel('Username', { exact: true }).fill(username);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    const claims = await s.tokensAt(page, request);
    const created = await s.admin('GET', `/api/users/${String(claims.sub)}`);
    expect([created.username, created.primaryEmail]).toEqual([username, email]);
  });
});

if (!CHROMIUM) console.warn(`profile suites skipped: ${NO_CHROMIUM}`);
