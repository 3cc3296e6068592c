// Code sign-in on the sign-in page in Chromium: by email (the code read from the SMTP capture), by phone
// (the SMS gateway), and "send a new code" held back by the server's resend interval with the
// countdown shown. Each ends at the application with a code openid-client exchanges.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite, type BrowserSuite } from '../helpers/browser.ts';
import { BASE_SETTINGS } from '../helpers/experience-suite.ts';

const FIELD = 'Username, email or phone number';

/** Sign-in by username and password, and by email and phone with a code first. */
const CODE_FIRST = {
  signIn: {
    methods: [
      BASE_SETTINGS.signIn.methods[0],
      { identifier: 'email', password: true, verificationCode: true, isPasswordPrimary: false },
      { identifier: 'phone', password: true, verificationCode: true, isPasswordPrimary: false },
    ],
  },
};

/** The latest code sent to `identifier`, once it has arrived. */
async function codeFor(s: BrowserSuite, identifier: { type: string; value: string }): Promise<string> {
  const read = () => {
    try {
      return s.lastCode(identifier);
    } catch {
      return null;
    }
  };
  await expect.poll(read).not.toBeNull();
  return read()!;
}

async function enterCode(page: Page, code: string): Promise<void> {
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

/** An email-code sign-in up to the code screen: a user with a fresh address (`prefix`), the page, its request. */
async function emailCodeSignIn(s: BrowserSuite, prefix: string) {
  await s.settings(CODE_FIRST);
  const email = `${prefix}_${s.unique()}@example.com`;
  const user = await s.newUser({ primaryEmail: email });
  const page = await s.newPage();
  const request = await s.authorize(page);
  await page.getByLabel(FIELD).fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  return { email, user, page, request };
}

describe.skipIf(!CHROMIUM)(`sign-in page: code sign-in${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ email: true });

  it('signs a person in with a code mailed to their email address', async () => {
    const { email, user, page, request } = await emailCodeSignIn(s, 'c');
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await expect.poll(() => page.getByText(`We sent a code to ${email}.`).isVisible()).toBe(true);
    await checkScreen(page, 'sign-in-code-email');
    await enterCode(page, await codeFor(s, { type: 'email', value: email }));
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('signs a person in with a code sent by SMS, asked for from the password screen', async () => {
    const phone = s.phone();
    const user = await s.newUser({ primaryPhone: phone });
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel(FIELD).fill(`+${phone}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('button', { name: 'Sign in with a verification code instead' }).click();
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await checkScreen(page, 'sign-in-code-phone');
    await enterCode(page, await codeFor(s, { type: 'phone', value: phone }));
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('says a wrong code is wrong, in words, and takes the right one after', async () => {
    const { email, user, page, request } = await emailCodeSignIn(s, 'w');
    const code = await codeFor(s, { type: 'email', value: email });
    await enterCode(page, code === '000000' ? '111111' : '000000');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('That code is not right. Check it and try again.');
    await checkScreen(page, 'sign-in-code-wrong');
    await enterCode(page, code);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
  it('says, only once the code is proved, that no account uses an email address, and another one can sign in', async () => {
    await s.settings(CODE_FIRST);
    const email = `none_${s.unique()}@example.com`;
    const other = `other_${s.unique()}@example.com`;
    const user = await s.newUser({ primaryEmail: other });
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel(FIELD).fill(email);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await enterCode(page, await codeFor(s, { type: 'email', value: email }));
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('We could not find an account for this.');
    await checkScreen(page, 'sign-in-code-no-account');
    await page.getByRole('button', { name: 'Use another account' }).click();
    await page.getByLabel(FIELD).fill(other);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
    await enterCode(page, await codeFor(s, { type: 'email', value: other }));
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

describe.skipIf(!CHROMIUM)(`sign-in page: sending a new code${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ env: { VERITY_RATE_RECIPIENT_INTERVAL_SECONDS: '3' } });

  it('holds "send a new code" back for the resend interval with the countdown shown, then sends one', async () => {
    await s.settings(CODE_FIRST);
    const phone = s.phone();
    const user = await s.newUser({ primaryPhone: phone });
    const page = await s.newPage();
    const request = await s.authorize(page);
    await page.getByLabel(FIELD).fill(`+${phone}`);
    await page.getByRole('button', { name: 'Continue' }).click();
    const resend = page.getByRole('button', { name: 'Send a new code' });
    await resend.waitFor();
    expect(await resend.isDisabled()).toBe(true);
    expect(await page.getByText(/You can ask for a new code in \d+ s/).isVisible()).toBe(true);
    await checkScreen(page, 'sign-in-code-countdown');
    await expect.poll(() => resend.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await page.getByText(/You can ask for a new code in/).count()).toBe(0);
    // The server's gap is measured on its (test) clock, which moves only when told.
    s.t.clock.advance(3_000);
    const sent = s.t.sms.received;
    await resend.click();
    await expect.poll(() => page.getByText('A new code is on its way.').isVisible()).toBe(true);
    expect(await resend.isDisabled()).toBe(true);
    await expect.poll(() => s.t.sms.received).toBeGreaterThan(sent);
    // The code of the new record (the page now verifies against it).
    await enterCode(page, await codeFor(s, { type: 'phone', value: phone }));
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`sign-in page suites skipped: ${NO_CHROMIUM}`);
