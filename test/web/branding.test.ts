// The sign-in experience's branding in Chromium: its colours (and the dark-mode colour only when dark
// mode is on and the browser prefers it), its logo, and its terms, privacy and support links — with
// the axe check passing in both schemes.
import { describe, expect, it } from 'vitest';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';

const LOGO = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#0b6e4f"/></svg>')}`;
const BRANDING = {
  color: { primaryColor: '#0b6e4f', isDarkModeEnabled: true, darkPrimaryColor: '#1a5c8a' },
  branding: { logoUrl: LOGO },
  termsOfUseUrl: 'https://example.com/terms',
  privacyPolicyUrl: 'https://example.com/privacy',
  supportEmail: 'help@example.com',
};

describe.skipIf(!CHROMIUM)(`sign-in page: branding${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite();
  const buttonColour = (page: import('playwright-core').Page) =>
    page.getByRole('button', { name: 'Continue' }).evaluate((button) => getComputedStyle(button).backgroundColor);

  it('shows the logo, the primary colour and the legal links', async () => {
    await s.settings(BRANDING);
    const page = await s.newPage();
    await s.authorize(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await buttonColour(page)).toBe('rgb(11, 110, 79)');
    expect(await page.getByRole('img', { name: 'Logo' }).isVisible()).toBe(true);
    expect(await page.getByRole('link', { name: 'Terms of use' }).getAttribute('href')).toBe('https://example.com/terms');
    expect(await page.getByRole('link', { name: 'Privacy policy' }).getAttribute('href')).toBe('https://example.com/privacy');
    expect(await page.getByRole('link', { name: 'Contact support' }).getAttribute('href')).toBe('mailto:help@example.com');
    await checkScreen(page, 'branding-light');
  });

  it('uses the dark-mode colour under a dark browser only when dark mode is on', async () => {
    await s.settings(BRANDING);
    const dark = await s.newPage({ colorScheme: 'dark' });
    await s.authorize(dark);
    await dark.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await buttonColour(dark)).toBe('rgb(26, 92, 138)');
    await checkScreen(dark, 'branding-dark');

    await s.settings({ color: { ...BRANDING.color, isDarkModeEnabled: false } });
    const light = await s.newPage({ colorScheme: 'dark' });
    await s.authorize(light);
    await light.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await buttonColour(light)).toBe('rgb(11, 110, 79)');
  });

  it('shows no link for a URL that is not a web or mail address', async () => {
    await s.settings({ termsOfUseUrl: 'javascript:alert(1)', privacyPolicyUrl: null, supportEmail: null, supportWebsiteUrl: null });
    const page = await s.newPage();
    await s.authorize(page);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Terms of use' }).count()).toBe(0);
  });
});
