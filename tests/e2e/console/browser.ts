/**
 * A real browser for the staff console's end-to-end tests: headless Chromium (Debian's package at
 * /usr/bin/chromium, or CHROMIUM_PATH) driven by playwright-core; sign-in through the local sign-in
 * form; axe-core injected into the page; screenshots written to test-artifacts/console/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { e2e } from '../../support/e2e.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../../../test-artifacts/console');
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const consoleUrl = () => `${e2e().apiUrl}/console/`;

export function launch(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!fs.existsSync(executablePath)) {
    throw new Error(`No Chromium at ${executablePath}: the console's browser tests need it (Debian/Ubuntu: apt-get install -y chromium; elsewhere set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
}

/** A fresh page (its own session storage) signed in as `username` with `roles` through the local sign-in form. */
export async function signedIn(browser: Browser, username: string, roles: string[], options: { locale?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ locale: options.locale ?? 'en-US' });
  const page = await context.newPage();
  await page.goto(consoleUrl());
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/oauth2\/authorize/);
  await page.getByLabel('User name').fill(username);
  for (const role of roles) await page.getByRole('checkbox', { name: role, exact: true }).check();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(/\/console\/(#.*)?$/);
  await page.getByTestId('user').waitFor();
  return page;
}

/** The labels of the navigation's links. */
export async function navLinks(page: Page): Promise<string[]> {
  return page.getByRole('navigation').getByRole('link').allTextContents();
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  // evaluated through the DevTools protocol, so the console's CSP (script-src 'self') does not block it
  await page.evaluate(`(() => { ${AXE_SOURCE}\n; return true; })()`);
  const result = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as { violations: AxeViolation[] };
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
