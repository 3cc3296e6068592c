// The sign-in page in Chromium: a person signs in with a password (username, email, phone) and ends at
// the application with a code openid-client exchanges; a wrong password, a locked account and an
// expired session show what went wrong in words; sign-in turned off (Register mode) says so.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import type { Page } from 'playwright-core';
import { PASSWORD } from '../helpers/experience-suite.ts';

const FIELD = 'Username, email or phone number';

/** Types `identifier` on the first screen and goes on to the password screen. */
async function toPassword(page: Page, identifier: string): Promise<void> {
  await page.getByLabel(FIELD).fill(identifier);
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Enter your password' }).waitFor();
}

/** Submits `password` on the password screen; the E6 answer's status. */
async function submitPassword(page: Page, password: string): Promise<number> {
  await page.getByLabel('Password', { exact: true }).fill(password);
  const answer = page.waitForResponse((r) => r.url().endsWith('/api/experience/verification/password'));
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  return (await answer).status();
}

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

  it('signs a person in by phone number, typed with spaces and its country code, and password', async () => {
    const phone = s.phone();
    const user = await s.newUser({ primaryPhone: phone });
    const page = await s.newPage();
    const request = await s.authorize(page);
    await toPassword(page, `+${phone.slice(0, 1)} ${phone.slice(1, 4)} ${phone.slice(4)}`);
    await expect.poll(() => page.getByText(`Signing in as +${phone}`).isVisible()).toBe(true);
    await checkScreen(page, 'sign-in-password-phone');
    await submitPassword(page, PASSWORD);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('signs a person in by email address and password', async () => {
    const email = `p_${s.unique()}@example.com`;
    const user = await s.newUser({ primaryEmail: email });
    const page = await s.newPage();
    const request = await s.authorize(page);
    await toPassword(page, email);
    await submitPassword(page, PASSWORD);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('says the sign-in session is gone when the page was opened without one, and a new one from the application works', async () => {
    const user = await s.newUser();
    const page = await s.newPage();
    await page.goto(`${s.t.url}/sign-in`);
    await toPassword(page, user.username);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'This sign-in link cannot be used' }).waitFor();
    expect(await page.getByText('Go back to the application and start signing in again.').isVisible()).toBe(true);
    await checkScreen(page, 'sign-in-session-expired');
    expect(await page.getByLabel('Password', { exact: true }).count()).toBe(0);
    // Starting again from the application, as the message says, signs the person in.
    const request = await s.authorize(page);
    await toPassword(page, user.username);
    await submitPassword(page, PASSWORD);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });

  it('says signing in is turned off when the experience only registers, and offers registration', async () => {
    await s.settings({ signInMode: 'Register' });
    const page = await s.newPage();
    await s.authorize(page);
    await expect.poll(() => page.getByText('Signing in is turned off for this application.').isVisible()).toBe(true);
    expect(await page.getByLabel(FIELD).count()).toBe(0);
    await checkScreen(page, 'sign-in-register-only');
    await page.getByRole('button', { name: 'Create an account' }).click();
    await page.waitForURL((url) => url.pathname === '/register');
  });
});

describe.skipIf(!CHROMIUM)(`sign-in page: a locked account${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ env: { VERITY_LOCKOUT_MAX_FAILURES: '2', VERITY_LOCKOUT_SECONDS: '60' } });

  it('says the account is locked after repeated wrong passwords, refuses the right one while locked, and lets it in after', async () => {
    const user = await s.newUser();
    const page = await s.newPage();
    const request = await s.authorize(page);
    await toPassword(page, user.username);
    const alert = () => page.getByRole('alert').textContent();
    expect(await submitPassword(page, 'not-the-password')).toBe(422);
    await expect.poll(alert).toContain('The account or password is not right.');
    expect(await submitPassword(page, 'still-not-it')).toBe(400);
    const locked = 'Too many failed attempts. This account is locked for a while; try again later.';
    await expect.poll(alert).toContain(locked);
    await checkScreen(page, 'sign-in-locked');
    expect(await submitPassword(page, PASSWORD)).toBe(400);
    await expect.poll(alert).toContain(locked);
    // The block ends on the server's (test) clock.
    s.t.clock.advance(61_000);
    expect(await submitPassword(page, PASSWORD)).toBe(200);
    expect((await s.tokensAt(page, request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`sign-in page suites skipped: ${NO_CHROMIUM}`);
