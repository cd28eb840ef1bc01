// Opens a page in Debian's chromium (never a downloaded browser: playwright-core with
// executablePath), waits until TEXT is on it and the Streamlit script has finished running,
// saves a screenshot and prints the page's visible text as JSON on standard output.
//   node page.mjs URL TEXT SCREENSHOT.png [TIMEOUT_MS]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const [url, text, screenshot, timeoutArg] = process.argv.slice(2);
if (!url || !text || !screenshot) {
  console.error('usage: node page.mjs URL TEXT SCREENSHOT.png [TIMEOUT_MS]');
  process.exit(2);
}
const timeout = Number(timeoutArg || 120000);
const profile = mkdtempSync(join(tmpdir(), 'onering-chromium-'));
// A fresh profile each run (playwright passes it to chromium as --user-data-dir).
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 1750 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = context.pages()[0] || await context.newPage();
  await page.goto(url, { timeout });
  await page.getByText(text, { exact: false }).first().waitFor({ timeout });
  // Streamlit shows a "running" widget while the script runs; the page is final once it is gone.
  await page.waitForFunction(() => !document.querySelector('[data-testid="stStatusWidget"]'), null, { timeout });
  await page.waitForLoadState('networkidle', { timeout }).catch(() => {});
  await page.screenshot({ path: screenshot, fullPage: true });
  const body = await page.innerText('body');
  process.stdout.write(JSON.stringify({ text: body }) + '\n');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
