// The sign-in page's MFA screens in Chromium, with Verity reached as `localhost` (a passkey's relying
// party must be a domain): a person sets up an authenticator app, a passkey (Chromium's virtual
// authenticator) or backup codes when the policy asks, proves one on a later sign-in, or skips when
// the policy lets them — each time ending at the application with a code openid-client exchanges.
import fs from 'node:fs';
import type { CDPSession, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { totpAt, totpStep, TOTP_PERIOD_SECONDS } from '../../src/crypto/totp.ts';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

describe.skipIf(!CHROMIUM)(`sign-in page: MFA${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ publicHost: 'localhost' });

  /** A fresh page on the sign-in page, the person's username and password given. */
  async function signIn(username: string, prepare?: (page: Page) => Promise<void>) {
    const page = await s.newPage();
    await prepare?.(page);
    const request = await s.authorize(page);
    await page.getByLabel('Username, email or phone number').fill(username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return { page, request };
  }

  /** The current code of `secret` by the app's clock, the clock first moved to a step no code of
   *  this file has used (a TOTP step is used once). */
  function freshTotp(secret: string): string {
    s.t.clock.advance(2 * TOTP_PERIOD_SECONDS * 1000);
    return totpAt(secret, totpStep(s.t.clock.now()));
  }

  /** A virtual platform authenticator (user verifying, resident keys) on the page's CDP session. */
  async function virtualAuthenticator(page: Page): Promise<{ cdp: CDPSession; authenticatorId: string }> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    return { cdp, authenticatorId };
  }

  /** Binds an authenticator app through the setup screen; its secret as the page shows it. */
  async function setUpTotp(page: Page, screenName?: string): Promise<string> {
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    const qr = page.getByRole('img', { name: 'QR code that adds this account to an authenticator app' });
    await qr.waitFor();
    expect(await qr.getAttribute('src')).toMatch(/^data:image\//);
    const secret = (await page.locator('code.secret').textContent())!.replace(/\s+/g, '');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    if (screenName) await checkScreen(page, screenName);
    await page.getByLabel('Authenticator app code').fill(freshTotp(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    return secret;
  }

  it('sets up an authenticator app at sign-in from its QR code and key, and asks for its code on a later sign-in', async () => {
    await s.settings({ mfa: { factors: ['Totp'], policy: 'Mandatory' } });
    const user = await s.newUser();
    const first = await signIn(user.username);
    const secret = await setUpTotp(first.page, 'mfa-totp-setup');
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);

    const later = await signIn(user.username);
    await later.page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await checkScreen(later.page, 'mfa-verify-totp');
    const code = freshTotp(secret);
    await later.page.getByLabel('Authenticator app code').fill(code === '000000' ? '111111' : '000000');
    await later.page.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => later.page.getByRole('alert').textContent()).toContain('That code from your authenticator app is not right.');
    await checkScreen(later.page, 'mfa-verify-totp-wrong');
    await later.page.getByLabel('Authenticator app code').fill(code);
    await later.page.getByRole('button', { name: 'Verify' }).click();
    const claims = await s.tokensAt(later.page, later.request);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
  });

  it('creates a passkey with the browser at sign-in, and signs in with it later', async () => {
    await s.settings({ mfa: { factors: ['WebAuthn'], policy: 'Mandatory' } });
    const user = await s.newUser();
    let device: { cdp: CDPSession; authenticatorId: string } | undefined;
    const first = await signIn(user.username, async (page) => void (device = await virtualAuthenticator(page)));
    await first.page.getByRole('heading', { name: 'Create a passkey' }).waitFor();
    await checkScreen(first.page, 'mfa-passkey-setup');
    await first.page.getByRole('button', { name: 'Create passkey' }).click();
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);
    const { credentials } = await device!.cdp.send('WebAuthn.getCredentials', { authenticatorId: device!.authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.rpId).toBe('localhost');

    // The same device in a new browser context: its one credential moved to a new virtual authenticator.
    const later = await signIn(user.username, async (page) => {
      const again = await virtualAuthenticator(page);
      await again.cdp.send('WebAuthn.addCredential', { authenticatorId: again.authenticatorId, credential: credentials[0]! });
    });
    await later.page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await checkScreen(later.page, 'mfa-verify-passkey');
    await later.page.getByRole('button', { name: 'Use passkey' }).click();
    const claims = await s.tokensAt(later.page, later.request);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(['mfa']));
  });

  it('says in words when no passkey answered the prompt, and lets the person try again', async () => {
    await s.settings({ mfa: { factors: ['WebAuthn'], policy: 'Mandatory' } });
    const user = await s.newUser();
    let device: { cdp: CDPSession; authenticatorId: string } | undefined;
    const first = await signIn(user.username, async (page) => void (device = await virtualAuthenticator(page)));
    await first.page.getByRole('button', { name: 'Create passkey' }).click();
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);
    const { credentials } = await device!.cdp.send('WebAuthn.getCredentials', { authenticatorId: device!.authenticatorId });

    // A device without the passkey first; then the passkey is put on it and the person tries again.
    let other: { cdp: CDPSession; authenticatorId: string } | undefined;
    const later = await signIn(user.username, async (page) => void (other = await virtualAuthenticator(page)));
    await later.page.getByRole('button', { name: 'Use passkey' }).click();
    await expect.poll(() => later.page.getByRole('alert').textContent()).toContain('The passkey was not used.');
    await checkScreen(later.page, 'mfa-verify-passkey-not-used');
    await other!.cdp.send('WebAuthn.addCredential', { authenticatorId: other!.authenticatorId, credential: credentials[0]! });
    await later.page.getByRole('button', { name: 'Use passkey' }).click();
    expect((await s.tokensAt(later.page, later.request)).sub).toBe(user.id);
  });

  it('shows backup codes once, to copy or download, and takes one of them on a later sign-in', async () => {
    await s.settings({ mfa: { factors: ['Totp', 'BackupCode'], policy: 'Mandatory' } });
    const user = await s.newUser();
    const first = await signIn(user.username);
    await first.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await setUpTotp(first.page);
    await first.page.getByRole('heading', { name: 'Save your backup codes' }).waitFor();
    // The codes arrive with E19's answer, after the heading.
    const list = first.page.getByRole('list', { name: 'Backup codes' });
    await list.getByRole('listitem').nth(9).waitFor();
    const codes = (await list.getByRole('listitem').allTextContents()).map((c) => c.trim());
    expect(codes).toHaveLength(10);
    await checkScreen(first.page, 'mfa-backup-codes');

    await first.page.getByRole('button', { name: 'Copy codes' }).click();
    await expect.poll(() => first.page.getByText('The codes are copied.').isVisible()).toBe(true);
    expect((await first.page.evaluate(() => navigator.clipboard.readText())).split('\n')).toEqual(codes);
    const download = first.page.waitForEvent('download');
    await first.page.getByRole('link', { name: 'Download the codes (.txt)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('backup-codes.txt');
    const text = fs.readFileSync((await file.path())!, 'utf8');
    for (const code of codes) expect(text).toContain(code);

    await first.page.getByRole('button', { name: 'Continue' }).click();
    await expect.poll(() => first.page.getByRole('alert').textContent()).toContain('Confirm that you have saved the codes first.');
    await first.page.getByLabel('I have saved these codes').check();
    await first.page.getByRole('button', { name: 'Continue' }).click();
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);

    const later = await signIn(user.username);
    await later.page.getByRole('heading', { name: 'Confirm it is you' }).waitFor();
    await later.page.getByRole('button', { name: 'Use a backup code instead' }).click();
    await later.page.getByLabel('Backup code').waitFor();
    for (const code of codes) expect(await later.page.getByText(code).count()).toBe(0);
    await checkScreen(later.page, 'mfa-verify-backup-code');
    await later.page.getByLabel('Backup code').fill(codes[3]!);
    await later.page.getByRole('button', { name: 'Verify' }).click();
    const claims = await s.tokensAt(later.page, later.request);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(expect.arrayContaining(['otp', 'mfa']));
  });

  it('lets a person skip setting up a factor when the policy is theirs to choose', async () => {
    await s.settings({ mfa: { factors: ['Totp', 'WebAuthn'], policy: 'UserControlled' } });
    const user = await s.newUser();
    const first = await signIn(user.username);
    await first.page.getByRole('heading', { name: 'Add a second sign-in step' }).waitFor();
    await expect.poll(() => first.page.getByRole('button', { name: /Authenticator app/ }).isVisible()).toBe(true);
    await expect.poll(() => first.page.getByRole('button', { name: /Passkey/ }).isVisible()).toBe(true);
    await checkScreen(first.page, 'mfa-bind');
    await first.page.getByRole('button', { name: 'Skip for now' }).click();
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);

    // The choice is kept: the next sign-in asks for nothing more.
    const later = await signIn(user.username);
    expect((await s.tokensAt(later.page, later.request)).sub).toBe(user.id);
  });

  it('offers no skip when the policy makes a second step mandatory, and focuses the chosen factor', async () => {
    await s.settings({ mfa: { factors: ['Totp', 'WebAuthn'], policy: 'Mandatory' } });
    const user = await s.newUser();
    const first = await signIn(user.username);
    await first.page.getByRole('heading', { name: 'Add a second sign-in step' }).waitFor();
    expect(await first.page.getByRole('button', { name: 'Skip for now' }).count()).toBe(0);
    await first.page.getByRole('button', { name: /Authenticator app/ }).click();
    // Focus moves to the chosen factor's heading, where a keyboard or screen-reader user starts reading.
    await expect.poll(() => first.page.evaluate(() => document.activeElement?.textContent)).toBe('Set up your authenticator app');
    await setUpTotp(first.page);
    expect((await s.tokensAt(first.page, first.request)).sub).toBe(user.id);
  });
});

if (!CHROMIUM) console.warn(`MFA page suite skipped: ${NO_CHROMIUM}`);
