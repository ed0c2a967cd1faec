import { defineConfig, devices } from '@playwright/test';

/**
 * Runs against a Seatrush server started by `npm test` (SEATRUSH_URL). Uses Debian's Chromium unless
 * PLAYWRIGHT_CHROMIUM_PATH points elsewhere (e.g. a browser Playwright downloaded on a connected machine).
 */
const executablePath = process.env.PLAYWRIGHT_CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './tests',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [['list'], ['html', { outputFolder: './playwright-report', open: 'never' }]],
  use: {
    baseURL: process.env.SEATRUSH_URL ?? 'http://127.0.0.1:3000',
    // Money and dates are formatted for the viewer's locale; the suites read English ("€120.00") whatever the
    // machine's LANG is.
    locale: 'en-US',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'desktop', use: { ...devices['Desktop Chrome'] }, testIgnore: /mobile\.spec\.ts/ },
    { name: 'mobile', use: { ...devices['Pixel 7'] }, testMatch: /mobile\.spec\.ts/ },
  ],
});
