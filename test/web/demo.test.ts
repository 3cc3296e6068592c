// The demo application (/demo) in Chromium: it starts an authorization request with PKCE, the person
// signs in on the sign-in page, and the demo exchanges the code and shows the ID token's and userinfo's claims.
import { describe, expect, it } from 'vitest';
import { ensureDemoApp } from '../../src/domain/apps/demo.ts';
import { CHROMIUM, NO_CHROMIUM, checkScreen, useBrowserSuite } from '../helpers/browser.ts';
import { PASSWORD } from '../helpers/experience-suite.ts';

describe.skipIf(!CHROMIUM)(`demo application${CHROMIUM ? '' : ` (skipped: ${NO_CHROMIUM})`}`, () => {
  const s = useBrowserSuite({ env: { VERITY_DEMO_APP: 'true' } });

  it('signs a person in through the sign-in page and shows the claims of their ID token', async () => {
    await ensureDemoApp(s.t, s.t.url);
    const user = await s.newUser({ name: 'Demo Person' });
    const page = await s.newPage();
    await page.goto(`${s.t.url}/demo`);
    await checkScreen(page, 'demo-home');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/sign-in');
    await page.getByLabel('Username, email or phone number').fill(user.username);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.pathname === '/demo/callback');
    await page.getByRole('heading', { name: 'Signed in' }).waitFor();
    const table = async (name: string) =>
      Object.fromEntries(
        await page.getByRole('table', { name }).getByRole('row').evaluateAll((trs) =>
          trs.map((tr) => [tr.querySelector('th')?.textContent ?? '', tr.querySelector('td')?.textContent ?? '']),
        ),
      );
    const claims = await table('ID token claims');
    expect(claims.sub).toBe(user.id);
    expect(claims.iss).toBe(s.t.config.issuer);
    await page.getByRole('table', { name: 'Userinfo claims' }).waitFor();
    expect(await table('Userinfo claims')).toMatchObject({ sub: user.id, name: 'Demo Person' });
    // The code was spent and nothing is kept: the callback's query is gone from the address bar.
    expect(page.url()).toBe(`${s.t.url}/demo/callback`);
    expect(await page.evaluate(() => Object.keys(sessionStorage).length + Object.keys(localStorage).length)).toBe(0);
    await checkScreen(page, 'demo-signed-in');
  });
});
