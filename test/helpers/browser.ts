// Owns the browser of the sign-in page suites: Debian's Chromium driven by playwright-core (never a
// downloaded browser; `.ci/run` installs the package), one browser per test file and a fresh context
// per page, an OIDC relying party whose redirect URI is a real HTTP server on loopback (reached as
// `localhost`, so its cookies are apart from Verity's at 127.0.0.1), openid-client exchanging the code there, the axe-core check, and
// screenshots under test-results/screens/ (not committed) for a person to look at.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { useExperienceSuite, type ExperienceSuite } from './experience-suite.ts';
import { startHttpServer, type TestServer } from './http-server.ts';
import { authorizationRequest, exchange, relyingPartyConfig, type AuthorizationRequest } from './oidc-flow.ts';

const CANDIDATES = [process.env.VERITY_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

/** Where Chromium is, or null (the browser suites are then skipped, saying why). */
export const CHROMIUM = CANDIDATES.find((file) => fs.existsSync(file)) ?? null;
export const NO_CHROMIUM = 'no Chromium: install the Debian package `chromium` (.ci/run does) or set VERITY_CHROMIUM';

export const SCREENSHOT_DIR = path.resolve('test-results/screens');

/** The flags a headless Chromium needs on a closed network, as root, without a GPU. */
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-features=Translate,MediaRouter,OptimizationHints',
];

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface BrowserSuite extends ExperienceSuite {
  browser: Browser;
  /** A page in a fresh context (its own cookies), with the application's redirect URI answered. */
  newPage(options?: { locale?: string; colorScheme?: 'light' | 'dark' }): Promise<Page>;
  /** Opens the application's authorization request in `page`; the page lands on the sign-in page. */
  authorize(page: Page, extra?: Record<string, string>): Promise<AuthorizationRequest>;
  /** Waits for the browser to reach the redirect URI and exchanges its code (openid-client):
   *  the ID token's claims. */
  tokensAt(page: Page, request: AuthorizationRequest): Promise<Record<string, unknown>>;
}

/** `publicHost: 'localhost'` serves Verity to the browser as http://localhost:<port>, the passkey
 *  relying party (startTestApp); the browser then shares the host name with the application, whose
 *  redirect URI only reads the code. */
export function useBrowserSuite(options: Parameters<typeof useExperienceSuite>[0] = {}): BrowserSuite {
  const suite = useExperienceSuite(options) as BrowserSuite;
  const contexts: BrowserContext[] = [];
  let application: TestServer | undefined;
  beforeAll(async () => {
    application = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html lang="en"><title>Application</title><p>Back at the application</p></html>');
    });
    const redirectUri = `http://localhost:${application.port}/callback`;
    const postLogoutRedirectUri = `http://localhost:${application.port}/signed-out`;
    const created = await suite.admin('POST', '/api/applications', {
      name: 'Browser test application',
      type: 'SPA',
      oidcClientMetadata: { redirectUris: [redirectUri], postLogoutRedirectUris: [postLogoutRedirectUri] },
    });
    suite.rp = { id: created.id, secret: '', redirectUri, postLogoutRedirectUri };
    suite.browser = await chromium.launch({ executablePath: CHROMIUM!, headless: true, args: ARGS });
    suite.newPage = async (pageOptions = {}) => {
      const context = await suite.browser.newContext({ locale: pageOptions.locale ?? 'en-US', colorScheme: pageOptions.colorScheme ?? 'light' });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    };
    // The provider's metadata, read once for the suite's relying party.
    const config = await relyingPartyConfig(suite.rp, suite.t.config.issuer);
    suite.authorize = async (page, extra = {}) => {
      const request = await authorizationRequest(config, suite.rp, 'openid profile email phone', extra);
      await page.goto(request.url.href);
      await page.waitForURL((url) => url.pathname === '/sign-in' || url.pathname === '/register');
      return request;
    };
    suite.tokensAt = async (page, request) => {
      await page.waitForURL((url) => url.href.startsWith(suite.rp.redirectUri));
      const tokens = await exchange(config, page.url(), request);
      return tokens.claims() as Record<string, unknown>;
    };
  });
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => undefined);
    await suite.browser?.close();
    await application?.close();
  });
  return suite;
}

/** axe-core on the page as it is: no serious or critical violation (the list is the failure message). */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern.
  if (!(await page.evaluate('typeof window.axe'))?.toString().includes('object')) await page.evaluate(axeSource);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
    violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
  };
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  expect(serious, `accessibility of ${screen}`).toEqual([]);
}

/** Saves a full-page screenshot as test-results/screens/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Both, for a screen a test reaches: it must be accessible, and a person can look at it. */
export async function checkScreen(page: Page, name: string): Promise<void> {
  await expectAccessible(page, name);
  await screenshot(page, name);
}

/** From the sign-in screen: "Create an account", an email, then the code the SMTP capture received. */
export async function registerWithEmailCode(s: BrowserSuite, page: Page, email: string): Promise<void> {
  await page.getByRole('button', { name: 'Create an account' }).click();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Enter the verification code' }).waitFor();
  await page.getByLabel('Verification code').fill(s.lastCode({ type: 'email', value: email }));
  await page.getByRole('button', { name: 'Verify' }).click();
}
