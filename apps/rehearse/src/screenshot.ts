import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

/**
 * `tsx apps/rehearse/src/screenshot.ts <report.html> <out.png>`: renders a report headless with the machine's
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium), for the README's screenshot.
 */
async function main([report, out]: string[]): Promise<void> {
  if (!report || !out) throw new Error('usage: screenshot.ts <report.html> <out.png>');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1240, height: 1400 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(resolve(report)).href);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length > 0);
    await page.screenshot({ path: out, fullPage: false });
  } finally {
    await browser.close();
  }
}

main(process.argv.slice(2)).catch((e: unknown) => {
  process.stderr.write(`${(e as Error).message}\n`);
  process.exit(1);
});
