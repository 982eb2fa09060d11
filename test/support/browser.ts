import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { Browser, Page } from 'puppeteer-core';

/** Where browser suites keep their screenshots (gitignored): look at them when a test fails. */
export const ARTIFACTS = resolve(__dirname, '../artifacts');

/** Debian's chromium (scripts/test-prerequisites.sh installs it), or the browser CHROMIUM_PATH names. */
const EXECUTABLE = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * A headless Chromium of the system's. As root, Chromium refuses to start with its sandbox (it needs an
 * unprivileged user for its namespaces), so the sandbox is off then, and only then: it only ever opens
 * the test's own app on 127.0.0.1, never content from elsewhere.
 */
export async function launchBrowser(): Promise<Browser> {
  const asRoot = process.getuid?.() === 0;
  return puppeteer.launch({
    executablePath: EXECUTABLE,
    headless: true,
    args: [...(asRoot ? ['--no-sandbox'] : []), '--disable-dev-shm-usage', '--no-first-run', '--disable-gpu'],
  });
}

/** Closes the browser, and kills its process if closing does not end it (a test that failed mid-way must not leave Chromium behind). */
export async function closeBrowser(browser: Browser | undefined): Promise<void> {
  if (!browser) return;
  const child = browser.process();
  try {
    await Promise.race([browser.close(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

/** A PNG of the page in ARTIFACTS: the whole page, or only what the viewport shows (`fullPage: false`: smaller, for docs). */
export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: path as `${string}.png`, fullPage });
  return path;
}
